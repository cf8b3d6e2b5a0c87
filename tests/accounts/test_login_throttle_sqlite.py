"""`make run`'s database: django-axes records failures and locks in the embedded SQLite too."""

from tests.sqlite_process import manage_on_sqlite

LOCK_ON_SQLITE = """
from django.test import Client
from accounts.models import User
User.objects.create_user(username="olivia", password="a-Long-pw-42")
User.objects.create_user(username="eddie", password="a-Long-pw-42")
def log_in(name, password, address):
    return Client().post("/accounts/login/", {"username": name, "password": password},
                         REMOTE_ADDR=address)
codes = [log_in("olivia", "wrong", "203.0.113.7").status_code for _ in range(5)]
print("failures", codes)
locked = log_in("olivia", "a-Long-pw-42", "198.51.100.20")
print("locked", locked.status_code, "for this account" in locked.content.decode())
print("other", log_in("eddie", "a-Long-pw-42", "198.51.100.20").status_code)
print("hash", User.objects.get(username="eddie").password.split("$")[0])
"""


def test_logins_lock_and_passwords_hash_with_argon2_on_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    manage_on_sqlite(database, "migrate", "--noinput", "-v0")
    output = manage_on_sqlite(database, "shell", "-c", LOCK_ON_SQLITE).splitlines()
    assert "failures [200, 200, 200, 200, 429]" in output
    assert "locked 429 True" in output
    assert "other 302" in output
    assert "hash argon2" in output
