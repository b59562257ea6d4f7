#!/usr/bin/env python3
"""PyJWT's side of the OIDC benchmark: verifies the same tokens with the issuer's published
keys, checking the same claims, and prints "pyjwt <label> <tokens per second>" per token."""

import json
import sys
import time
import urllib.request

import jwt


def main():
    issuer, seconds = sys.argv[1], float(sys.argv[2])
    with urllib.request.urlopen(issuer + "/jwks") as response:
        keys = {k["kid"]: jwt.PyJWK(k) for k in json.load(response)["keys"]}
    for pair in sys.argv[3:]:
        label, token = pair.split("=", 1)
        header = jwt.get_unverified_header(token)
        key = keys[header["kid"]]

        def verify():
            return jwt.decode(
                token,
                key.key,
                algorithms=[header["alg"]],
                audience="openshell-cli",
                issuer=issuer,
                leeway=60,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )

        verify()
        count, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for _ in range(100):
                verify()
            count += 100
        print(f"pyjwt {label} {int(count / (time.perf_counter() - start))}")


if __name__ == "__main__":
    main()
