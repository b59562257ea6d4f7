// The grpc-go anchor for transport-bench.sh: answers any unary method by echoing the request
// bytes, over TLS, so h2load measures transports rather than message handling.
package main

import (
	"crypto/tls"
	"fmt"
	"log"
	"net"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/encoding"
)

// rawCodec passes message bytes through; registered as "proto" so no protobuf is involved.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error)      { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error { *(v.(*[]byte)) = append([]byte(nil), data...); return nil }
func (rawCodec) Name() string                                 { return "proto" }

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: grpc-go-server PORT CERT KEY")
	}
	encoding.RegisterCodec(rawCodec{})
	cert, err := tls.LoadX509KeyPair(os.Args[2], os.Args[3])
	if err != nil {
		log.Fatal(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	creds := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}})
	server := grpc.NewServer(grpc.Creds(creds), grpc.UnknownServiceHandler(
		func(_ interface{}, stream grpc.ServerStream) error {
			var request []byte
			if err := stream.RecvMsg(&request); err != nil {
				return err
			}
			return stream.SendMsg(&request)
		}))
	fmt.Println("listening")
	log.Fatal(server.Serve(listener))
}
