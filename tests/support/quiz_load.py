"""Quiz submits under load: many learners at once, and one learner's repeated submits.

Each simulated learner is a browser tab (`visitor.Browser`): its own session and CSRF cookies, the
token from its quiz page, answers posted as the page's forms post them. A learner answers every
question of a lesson's quiz, presses "Try again" and carries on with the next attempt. Afterwards
the database itself is read with sqlite3: one answer per question per attempt, counters equal to
the answers, attempts numbered once each, and every answer the server acknowledged is saved.

Everything runs on loopback; every loop is bounded in time and in requests.
"""

import base64
import json
import random
import sqlite3
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from tests.support.visitor import Browser, LoadResult, Reply, run_threads

LESSONS = tuple(
    path.stem
    for path in sorted(
        (Path(__file__).resolve().parents[2] / "lessons/content/quizzes").glob("*.yaml")
    )
)
# Stacks a learner might build for a simulator challenge, bottom first; right or wrong.
STACKS = (
    ("hardware", "host-os", "container-runtime", "app"),
    ("hardware", "host-os", "hypervisor", "guest-os", "app"),
)
LEARNERS = 32
MAX_PROBLEMS = 10  # problems kept per learner, for the report

Key = tuple[str, int, str]  # (lesson, attempt number, question): one answer


@dataclass
class QuestionForm:
    slug: str
    action: str
    attempt: int
    options: dict[str, list[str]] = field(default_factory=dict)  # field → values, page order


@dataclass
class QuizPage:
    token: str
    questions: list[QuestionForm]  # the questions still open in this attempt
    finished: bool  # the page offers "Try again"

    @property
    def attempt(self) -> int:
        numbers = {question.attempt for question in self.questions}
        return numbers.pop() if len(numbers) == 1 else 0


class _QuizPageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = QuizPage("", [], False)
        self._form: QuestionForm | None = None
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name, value = attributes.get("name", ""), attributes.get("value", "")
        if tag == "form":
            action = attributes.get("action", "")
            if action.endswith("/answer"):
                self._form = QuestionForm(action.split("/")[-2], action, 0)
                self.page.questions.append(self._form)
            elif action.endswith("/retry"):
                self.page.finished = True
        elif tag == "input" and name == "csrfmiddlewaretoken":
            self.page.token = value
        elif self._form is None:
            return
        elif tag == "input" and name == "attempt":
            self._form.attempt = int(value) if value.isdigit() else 0
        elif tag == "input" and attributes.get("type") in ("radio", "checkbox"):
            self._form.options.setdefault(name, []).append(value)
        elif tag == "select":
            self._select = name
            self._form.options.setdefault(name, [])
        elif tag == "option" and self._select and value:
            self._form.options[self._select].append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = ""


def parse_quiz_page(html: str) -> QuizPage:
    parser = _QuizPageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def answer_fields(question: QuestionForm, rng: random.Random) -> list[tuple[str, str]]:
    """A plausible answer, right or wrong, made of what the question's form offers."""
    options = question.options
    fields = []
    positions = [name for name in options if name.startswith("position-")]
    if positions:
        fields += zip(positions, rng.sample(options[positions[0]], len(positions)), strict=True)
    if any(name.startswith("layer-") for name in options):
        fields += [(f"layer-{n}", slug) for n, slug in enumerate(rng.choice(STACKS), start=1)]
    if "choice" in options:
        fields.append(("choice", rng.choice(options["choice"])))
    if "choices" in options:
        picked = [key for key in options["choices"] if rng.random() < 0.5]
        fields += [("choices", key) for key in picked or [rng.choice(options["choices"])]]
    return fields


@dataclass
class Step:
    kind: str  # "quiz page", "quiz submit" or "quiz retry"
    reply: Reply
    ok: bool


class QuizTaker:
    """A learner taking one lesson's quiz again and again, one request per step, as a browser
    would: open the quiz page, answer each question, press "Try again", and so on.

    With `htmx` an answer is posted as htmx posts it (200 and a fragment); without, as a plain
    form (302 back to the quiz page, which the browser then opens).
    """

    def __init__(self, browser: Browser, lesson: str, seed: int, htmx: bool = True) -> None:
        self.browser = browser
        self.lesson = lesson
        self.htmx = htmx
        self.rng = random.Random(seed)
        self.page: QuizPage | None = None
        self.todo: list[QuestionForm] = []
        self.attempt = 0  # the attempt on the page this learner has open
        self.expected = 1  # the attempt the next quiz page should show
        self.uncertain = False  # a request failed: its effect on the server is unknown
        self.sent: set[Key] = set()  # every answer posted, whatever became of it
        self.acknowledged: set[Key] = set()  # the answers the server said it saved
        self.failures = 0
        self.problems: list[str] = []

    @property
    def quiz_path(self) -> str:
        return f"/lessons/{self.lesson}/quiz/"

    def step(self) -> Step:
        """Send the next request a learner would send."""
        if self.page is None:
            return self._open()
        if self.todo:
            return self._answer(self.todo[0])
        return self._retry()

    def reopen(self) -> None:
        """Reload the quiz page next, not knowing what became of the last request."""
        self.page, self.todo, self.uncertain = None, [], True

    def _open(self) -> Step:
        reply = self.browser.get(self.quiz_path)
        page = parse_quiz_page(reply.body) if reply.status == 200 else None
        if page is None:
            return self._checked("quiz page", reply, False, "")
        number = page.attempt if page.questions else self.attempt
        right_attempt = number >= self.attempt if self.uncertain else number == self.expected
        ok = right_attempt and number > 0 and bool(page.token)
        ok = ok and bool(page.questions or page.finished)
        if ok:
            self.page, self.todo, self.attempt, self.uncertain = page, page.questions, number, False
        return self._checked("quiz page", reply, ok, f"expected attempt {self.expected}")

    def _answer(self, question: QuestionForm) -> Step:
        key = (self.lesson, self.attempt, question.slug)
        fields = [("csrfmiddlewaretoken", self.page.token), ("attempt", str(self.attempt))]
        fields += answer_fields(question, self.rng)
        self.sent.add(key)
        reply = self.browser.post(question.action, fields, htmx=self.htmx)
        if self.htmx:
            ok = reply.status == 200
        else:
            ok = reply.status == 302 and _path(reply.location) == self.quiz_path
        if ok:
            self.acknowledged.add(key)
            self.todo = self.todo[1:]
            if not self.htmx:  # the browser follows the redirect to the quiz page
                self.page, self.expected = None, self.attempt
        return self._checked("quiz submit", reply, ok, question.slug)

    def _retry(self) -> Step:
        reply = self.browser.post(
            f"{self.quiz_path}retry", [("csrfmiddlewaretoken", self.page.token)]
        )
        ok = reply.status == 302 and _path(reply.location) == self.quiz_path
        if ok:
            self.page, self.expected = None, self.attempt + 1
        return self._checked("quiz retry", reply, ok, "")

    def _checked(self, kind: str, reply: Reply, ok: bool, what: str) -> Step:
        if not ok:
            self.failures += 1
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(f"{self.lesson} {kind} {what}: status {reply.status}")
            self.reopen()
        return Step(kind, reply, ok)


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


@dataclass
class QuizLoad:
    takers: list[QuizTaker]
    kinds: dict[str, LoadResult]
    seconds: float

    @property
    def submits(self) -> LoadResult:
        return self.kinds.get("quiz submit") or LoadResult(0, 0, self.seconds, [])

    @property
    def errors(self) -> int:
        return sum(result.errors for result in self.kinds.values())

    @property
    def problems(self) -> list[str]:
        return [problem for taker in self.takers for problem in taker.problems]


def drive(takers: list[QuizTaker], *, seconds: float, steps_per_learner: int) -> QuizLoad:
    """Run every learner in its own thread until `seconds` pass or it has sent its steps."""
    deadline = time.monotonic() + seconds
    steps: list[list[Step]] = [[] for _ in takers]

    def work(index: int) -> None:
        taker = takers[index]
        while time.monotonic() < deadline and len(steps[index]) < steps_per_learner:
            steps[index].append(taker.step())

    elapsed = run_threads(work, len(takers))
    return QuizLoad(takers, tally([step for own in steps for step in own], elapsed), elapsed)


def tally(steps: list[Step], seconds: float) -> dict[str, LoadResult]:
    kinds: dict[str, LoadResult] = {}
    for step in steps:
        result = kinds.setdefault(step.kind, LoadResult(0, 0, seconds, []))
        result.requests += 1
        result.errors += not step.ok
        result.latencies_ms.append(step.reply.ms)
    return kinds


def learners(base: str, count: int, plain_forms: bool = False) -> list[QuizTaker]:
    """`count` new learners spread over the lessons, posting as htmx does; with `plain_forms`
    every other one posts plain forms instead, as a browser without JavaScript does."""
    return [
        QuizTaker(
            Browser(base), LESSONS[i % len(LESSONS)], seed=i, htmx=not plain_forms or i % 2 == 0
        )
        for i in range(count)
    ]


def run_learners(
    base: str, count: int = LEARNERS, *, seconds: float = 5.0, steps_per_learner: int = 10_000
) -> QuizLoad:
    return drive(learners(base, count), seconds=seconds, steps_per_learner=steps_per_learner)


@dataclass
class DoubleSubmit:
    taker: QuizTaker
    saved: int
    refused: int
    errors: int


def double_submit(
    base: str, lesson: str = "architecture", copies: int = 200, threads: int = 32
) -> DoubleSubmit:
    """One learner sends the same answer `copies` times from `threads` threads at once.

    The learner first answers one question, so the session and the attempt exist (as they do
    when someone double-clicks "Check answer" in the middle of a quiz); then every copy of the
    second answer leaves together. Exactly one should be saved and the others refused with 409.
    """
    taker = QuizTaker(Browser(base), lesson, seed=copies)
    for _ in range(2):  # open the page, answer its first question
        if not taker.step().ok:
            return DoubleSubmit(taker, 0, 0, copies)
    question = taker.todo[0]
    key = (lesson, taker.attempt, question.slug)
    fields = [("csrfmiddlewaretoken", taker.page.token), ("attempt", str(taker.attempt))]
    fields += answer_fields(question, taker.rng)
    taker.sent.add(key)
    start = threading.Barrier(threads)
    statuses: list[list[int]] = [[] for _ in range(threads)]

    def send(index: int) -> None:
        start.wait(timeout=30)
        for _ in range(index, copies, threads):
            statuses[index].append(taker.browser.post(question.action, fields, htmx=True).status)

    run_threads(send, threads)
    flat = [status for own in statuses for status in own]
    saved, refused = flat.count(200), flat.count(409)
    if saved == 1:
        taker.acknowledged.add(key)
    return DoubleSubmit(taker, saved, refused, len(flat) - saved - refused)


def session_learner(connection: sqlite3.Connection, session_key: str) -> int | None:
    """The learner id a Django session holds. The session is signed, not encrypted:
    `[.]base64(json):timestamp:signature`, with the dot when the JSON is zlib-compressed."""
    row = connection.execute(
        "SELECT session_data FROM django_session WHERE session_key = ?", (session_key,)
    ).fetchone()
    if row is None:
        return None
    payload = row[0].split(":")[0]
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    if payload.startswith("."):
        data = zlib.decompress(data)
    return json.loads(data).get("learner_id")


def check_database(path: str, takers: list[QuizTaker]) -> tuple[list[str], str]:
    """What is wrong with the quiz rows in the SQLite file at `path` (an empty list when nothing
    is), and a summary of what was checked.

    Every answer a learner saw acknowledged must be saved, and every saved answer must be one it
    sent; a learner none of whose requests failed must have exactly its acknowledged answers.
    """
    problems = []
    connection = sqlite3.connect(path, timeout=20)
    try:
        query = connection.execute
        for attempt, question, count in query(
            "SELECT attempt_id, question_id, COUNT(*) FROM lessons_answer"
            " GROUP BY attempt_id, question_id HAVING COUNT(*) > 1"
        ):
            problems.append(f"attempt {attempt} has {count} answers to question {question}")
        for attempt, answered, score, count, total in query(
            "SELECT t.id, t.answered, t.score, COUNT(a.id), COALESCE(SUM(a.mark), 0)"
            " FROM lessons_attempt t LEFT JOIN lessons_answer a ON a.attempt_id = t.id"
            " GROUP BY t.id HAVING t.answered != COUNT(a.id) OR t.score != COALESCE(SUM(a.mark), 0)"
        ):
            problems.append(
                f"attempt {attempt} counts {answered} answered, score {score}; "
                f"its answers: {count}, marks {total}"
            )
        for learner, lesson, count, highest, unfinished in query(
            "SELECT learner_id, lesson_id, COUNT(*), MAX(number), SUM(finished_at IS NULL)"
            " FROM lessons_attempt GROUP BY learner_id, lesson_id"
            " HAVING COUNT(*) != MAX(number) OR COUNT(DISTINCT number) != COUNT(*)"
            " OR SUM(finished_at IS NULL) > 1"
        ):
            problems.append(
                f"learner {learner}, lesson {lesson}: {count} attempts numbered up to {highest}, "
                f"{unfinished} unfinished"
            )
        for (attempt,) in query(
            "SELECT id FROM lessons_attempt"
            " WHERE finished_at IS NULL AND answered >= question_count"
        ):
            problems.append(f"attempt {attempt} has every answer but is not finished")
        for taker in takers:
            problems += _learner_problems(connection, taker)
        answers, attempts = query(
            "SELECT (SELECT COUNT(*) FROM lessons_answer), (SELECT COUNT(*) FROM lessons_attempt)"
        ).fetchone()
    finally:
        connection.close()
    return problems, f"{answers:,} answers in {attempts:,} attempts"


def _learner_problems(connection: sqlite3.Connection, taker: QuizTaker) -> list[str]:
    session = taker.browser.cookies.get("sessionid")
    learner = session_learner(connection, session) if session else None
    saved: set[Key] = set()
    if learner is not None:
        saved = set(
            connection.execute(
                "SELECT l.slug, t.number, q.slug FROM lessons_answer a"
                " JOIN lessons_attempt t ON t.id = a.attempt_id"
                " JOIN lessons_lesson l ON l.id = t.lesson_id"
                " JOIN lessons_question q ON q.id = a.question_id WHERE t.learner_id = ?",
                (learner,),
            )
        )
    missing = sorted(taker.acknowledged - saved)
    unexpected = sorted(saved - (taker.acknowledged if taker.failures == 0 else taker.sent))
    problems = [f"learner {learner}: acknowledged but not saved: {key}" for key in missing]
    problems += [f"learner {learner}: saved but never acknowledged: {key}" for key in unexpected]
    return problems
