// A grpc-go server for the transport and gateway benchmarks: the anchor our numbers are
// compared with. It serves two unary methods over TLS with a raw-bytes codec, so no protoc
// and no generated code are needed:
//
//	/bench.Echo/Unary               answers with the request's bytes
//	/openshell.v1.OpenShell/Health  answers a fixed HealthResponse (status SERVING, a version)
//
// It prints "listening on HOST:PORT" once it is serving. Built offline by the benchmark
// scripts in GOPATH mode against Debian's golang-google-grpc-dev.
//
// Usage: grpc-go-server -cert server.pem -key server-key.pem [-port 0]
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log"
	"net"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// rawCodec passes message bytes through untouched; messages are *[]byte.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string   { return "proto" }
func (rawCodec) String() string { return "proto" }

// healthResponse is openshell.v1.HealthResponse{status: 1, version: "grpc-go"}.
var healthResponse = append([]byte{0x08, 0x01, 0x12, 0x07}, "grpc-go"...)

// unary has the type of grpc.MethodDesc.Handler, which grpc-go 1.33 does not export.
func unary(answer func(request []byte) []byte) func(interface{}, context.Context,
	func(interface{}) error, grpc.UnaryServerInterceptor) (interface{}, error) {
	return func(_ interface{}, ctx context.Context, decode func(interface{}) error,
		_ grpc.UnaryServerInterceptor) (interface{}, error) {
		var request []byte
		if err := decode(&request); err != nil {
			return nil, err
		}
		response := answer(request)
		return &response, nil
	}
}

func service(name, method string, answer func([]byte) []byte) *grpc.ServiceDesc {
	return &grpc.ServiceDesc{
		ServiceName: name,
		HandlerType: (*interface{})(nil),
		Methods:     []grpc.MethodDesc{{MethodName: method, Handler: unary(answer)}},
	}
}

func main() {
	certPath := flag.String("cert", "", "PEM certificate chain")
	keyPath := flag.String("key", "", "PEM private key")
	port := flag.Int("port", 0, "port on 127.0.0.1; 0 picks one")
	flag.Parse()

	certificate, err := tls.LoadX509KeyPair(*certPath, *keyPath)
	if err != nil {
		log.Fatalf("grpc-go-server: %v", err)
	}
	creds := credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{certificate}})
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatalf("grpc-go-server: %v", err)
	}

	server := grpc.NewServer(grpc.Creds(creds), grpc.CustomCodec(rawCodec{}))
	server.RegisterService(service("bench.Echo", "Unary", func(r []byte) []byte { return r }), nil)
	server.RegisterService(
		service("openshell.v1.OpenShell", "Health", func([]byte) []byte { return healthResponse }),
		nil)

	fmt.Printf("listening on %s\n", listener.Addr())
	os.Stdout.Sync()
	if err := server.Serve(listener); err != nil {
		log.Fatalf("grpc-go-server: %v", err)
	}
}
