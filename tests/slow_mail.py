"""A mail backend for a worker in a subprocess: each message waits SLOW_MAIL_SECONDS (a slow
SMTP server) and is then written to its own file in SLOW_MAIL_DIR, named by its recipient."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["SLOW_MAIL_DIR"])
        for message in email_messages:
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "1")))
            name = f"{message.to[0]}.{uuid.uuid4().hex}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)
