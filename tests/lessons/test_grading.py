"""Grading, called directly: a response is marked against the key the server holds, and a
challenge passes on any stack that meets every constraint, with feedback naming each miss."""

from lessons import grading
from lessons.models import Choice, Question
from simulator import engine, messages

CONTAINERS = ["hardware", "host-os", "container-runtime", "app"]
VMS = ["hardware", "host-os", "hypervisor", "guest-os", "app"]


def question(kind: str, **spec) -> Question:
    return Question(slug="q", kind=kind, prompt="?", spec=spec)


def choices(*correct: bool) -> list[Choice]:
    return [
        Choice(key=f"q-{chr(97 + i)}", text=f"Option {i}", correct=right, order=i)
        for i, right in enumerate(correct)
    ]


class TestChoiceQuestions:
    def test_a_single_choice_is_right_only_on_the_key(self):
        options = choices(False, True, False)
        single = question(Question.Kind.SINGLE)
        assert grading.grade(single, options, {"choice": "q-b"}) == grading.Grade(True, 1)
        assert grading.grade(single, options, {"choice": "q-a"}) == grading.Grade(False, 0)

    def test_select_all_needs_exactly_the_right_set(self):
        options = choices(True, False, True)
        multiple = question(Question.Kind.MULTIPLE)
        assert grading.grade(multiple, options, {"choices": ["q-a", "q-c"]}).correct
        assert not grading.grade(multiple, options, {"choices": ["q-a"]}).correct
        assert not grading.grade(multiple, options, {"choices": ["q-a", "q-b", "q-c"]}).correct

    def test_true_or_false_compares_with_the_spec(self):
        false = question(Question.Kind.TRUE_FALSE, answer=False)
        assert grading.grade(false, [], {"choice": "false"}).correct
        assert not grading.grade(false, [], {"choice": "true"}).correct

    def test_an_ordering_is_right_only_in_the_exact_order(self):
        ordering = question(Question.Kind.ORDERING, items=["hardware", "host-os", "app"])
        assert grading.grade(ordering, [], {"order": ["hardware", "host-os", "app"]}).mark == 1
        assert grading.grade(ordering, [], {"order": ["hardware", "app", "host-os"]}).mark == 0


class TestChallenges:
    SPEC = {"instances": 100, "host_memory_mb": 16384, "constraints": {"min_density": 100}}

    def test_a_stack_that_meets_every_constraint_passes(self):
        assert grading.grade_challenge(self.SPEC, CONTAINERS) == grading.Grade(True, 1, [])

    def test_a_miss_is_named_with_its_value_the_limit_and_the_gap(self):
        density = engine.simulate(VMS, instances=100, host_memory_mb=16384).metrics.density
        grade = grading.grade_challenge(self.SPEC, VMS)
        assert not grade.correct and grade.mark == 0
        assert grade.feedback == [
            f"Instances that fit: {density} instances, needs at least 100 instances "
            f"({100 - density} instances short)."
        ]

    def test_every_missed_constraint_gets_a_line(self):
        spec = {**self.SPEC, "constraints": {"min_density": 100, "max_startup_ms": 5000}}
        assert len(grading.grade_challenge(spec, VMS).feedback) == 2

    def test_a_stack_that_cannot_run_says_why(self):
        grade = grading.grade_challenge(self.SPEC, ["hardware", "guest-os"])
        assert not grade.correct
        assert grade.feedback[0].startswith("This stack cannot run: ")

    def test_a_stack_without_an_application_is_refused(self):
        grade = grading.grade_challenge(self.SPEC, ["hardware", "host-os"])
        assert grade.feedback == [messages.NO_APPLICATION]

    def test_the_question_kind_challenge_grades_through_the_same_rules(self):
        challenge = question(Question.Kind.CHALLENGE, **self.SPEC)
        assert grading.grade(challenge, [], {"stack": CONTAINERS}).correct
