"""Ten sign-ups for one name at the same moment, through gunicorn (4 workers) on an SQLite file,
as an attacker would send them: one account is made, the nine others get the form's message,
and no request gets a 500."""

import re
import sqlite3
import threading

from tests.support.visitor import Browser

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PASSWORD = "a-long-pass-phrase-42"


def test_ten_parallel_sign_ups_for_one_name_make_one_account_and_nine_messages(served_site):
    base, database = served_site
    browsers = [Browser(base) for _ in range(10)]
    tokens = [TOKEN.search(browser.get("/accounts/signup/").body).group(1) for browser in browsers]
    start = threading.Barrier(10)
    replies = [None] * 10

    def sign_up(i: int) -> None:
        # Half type the name in capitals: the race is for the case-folded name as well.
        fields = [
            ("csrfmiddlewaretoken", tokens[i]),
            ("username", "LINUS" if i % 2 else "linus"),
            ("password1", PASSWORD),
            ("password2", PASSWORD),
        ]
        start.wait(timeout=30)
        replies[i] = browsers[i].post("/accounts/signup/", fields)

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(reply.status for reply in replies) == [302] + [400] * 9
    assert sum("That username is taken" in reply.body for reply in replies) == 9
    with sqlite3.connect(database) as db:
        names = db.execute("SELECT lower(username) FROM auth_user").fetchall()
    assert names == [("linus",)]
