#!/usr/bin/python3
"""Signs one request with OAuth 1.0a for the integration tests, using
python3-oauthlib (an implementation independent of the gateway's).

usage: oauth1_sign.py [--nonce N] [--timestamp T] [--query] --
                      METHOD URL KEY SECRET SIGNATURE_METHOD

Prints the Authorization header value, or with --query the URL with the
oauth_* parameters added to its query (RFC 5849 3.5.3)."""
import argparse
import sys

from oauthlib import oauth1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("method")
    p.add_argument("url")
    p.add_argument("key")
    p.add_argument("secret")
    p.add_argument("signature_method")
    p.add_argument("--nonce")
    p.add_argument("--timestamp")
    p.add_argument("--query", action="store_true")
    a = p.parse_args()
    client = oauth1.Client(
        a.key,
        client_secret=a.secret,
        signature_method=a.signature_method,
        signature_type=(oauth1.SIGNATURE_TYPE_QUERY if a.query
                        else oauth1.SIGNATURE_TYPE_AUTH_HEADER),
        nonce=a.nonce,
        timestamp=a.timestamp,
    )
    uri, headers, _ = client.sign(a.url, http_method=a.method)
    print(uri if a.query else headers["Authorization"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
