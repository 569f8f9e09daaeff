"""A real SMTP server for the notification tests (aiosmtpd).

Usage: python3 smtp_sink.py PORT DIR [CERT KEY]
Accepts every message on 127.0.0.1:PORT (over TLS from the first byte when a PEM
certificate and key are given) and writes each, with its envelope, to
DIR as one JSON file (written to a temporary name, then renamed, so a reader
never sees half a message). Prints "ready" once listening; stops when its
standard input closes, so it never outlives the test that started it.
"""

import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(self.out, "%d.json" % time.time_ns())
        with open(path + ".tmp", "w") as f:
            json.dump(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "data": envelope.content.decode("utf-8", "replace"),
                },
                f,
            )
        os.rename(path + ".tmp", path)
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    tls = None
    if len(sys.argv) > 4:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(sys.argv[3], sys.argv[4])
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port, ssl_context=tls)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
