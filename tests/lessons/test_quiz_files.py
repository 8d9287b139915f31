"""The quiz files test understanding, not test-taking: figures computed from the files themselves,
failing past the limits the course sets itself. And each simulator challenge passes only the
stacks that embody what it says it teaches, shown by trying every stack up to seven layers."""

from functools import cache
from pathlib import Path

import pytest
import yaml

from lessons import content, grading
from simulator import engine

QUIZZES = sorted((content.CONTENT_DIR / "quizzes").glob("*.yaml"))


def questions(kind: str | None = None) -> list[dict]:
    found = []
    for path in QUIZZES:
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if kind is None or question["type"] == kind:
                found.append(question | {"file": Path(path).name})
    return found


def key_is_longest(question: dict) -> bool:
    """The key is at least as long as every other option (a tie counts: it does not hide it)."""
    lengths = [len(choice["text"]) for choice in question["choices"]]
    key = next(len(choice["text"]) for choice in question["choices"] if choice.get("correct"))
    return key == max(lengths)


class TestTheFormOfOptionsGivesNothingAway:
    def test_the_key_is_the_longest_option_in_at_most_a_third_of_single_choice_questions(self):
        single = questions("single")
        longest = [q["slug"] for q in single if key_is_longest(q)]
        share = len(longest) / len(single)
        print(f"single-choice: key longest in {len(longest)} of {len(single)} ({share:.0%})")
        assert share <= 1 / 3, longest

    def test_between_40_and_60_percent_of_true_or_false_keys_are_true(self):
        truefalse = questions("truefalse")
        true = sum(question["answer"] is True for question in truefalse)
        share = true / len(truefalse)
        print(f"true/false: {true} of {len(truefalse)} true ({share:.0%})")
        assert 0.4 <= share <= 0.6

    def test_select_all_sometimes_has_one_right_choice_and_sometimes_all(self):
        counts = [
            (sum(bool(c.get("correct")) for c in q["choices"]), len(q["choices"]))
            for q in questions("multiple")
        ]
        one = sum(right == 1 for right, _ in counts)
        every = sum(right == total for right, total in counts)
        print(f"select-all: {len(counts)} questions, {one} with one right, {every} with all right")
        assert one >= 1 and every >= 1

    def test_every_select_all_prompt_says_so(self):
        for question in questions("multiple"):
            assert "Select all that apply." in question["prompt"], question["slug"]

    def test_no_option_depends_on_its_position(self):
        for question in questions():
            for choice in question.get("choices", []):
                words = choice["text"].lower()
                assert "of the above" not in words, (question["slug"], choice["text"])


@cache
def every_stack(depth: int = 7) -> tuple[tuple[str, ...], ...]:
    """Every stack of up to `depth` layers the engine accepts, bottom first."""
    found = []

    def grow(prefix: tuple[str, ...]) -> None:
        if len(prefix) == depth:
            return
        for slug in engine.LAYERS:
            stack = (*prefix, slug)
            if not engine.validate(stack):
                found.append(stack)
                grow(stack)

    grow(())
    return tuple(found)


def per_instance(stack: tuple[str, ...]) -> tuple[str, ...]:
    """The layers each instance repeats: from the topmost layer that makes instances up."""
    makers = [i for i, slug in enumerate(stack) if engine.LAYERS[slug].creates_instances]
    return stack[makers[-1] :] if makers else stack[-1:]


OWN_KERNEL = {"hypervisor", "microvm", "kata", "gvisor", "unikernel"}
FULL_GUESTS = {"guest-os", "guest-os-windows"}


def shares_one_kernel(stack: tuple[str, ...]) -> bool:
    return not OWN_KERNEL & set(per_instance(stack))


def own_light_kernel(stack: tuple[str, ...]) -> bool:
    """Each instance has a kernel of its own, and it is not a full distribution's."""
    repeated = set(per_instance(stack))
    kernels = OWN_KERNEL - {"gvisor"} | {"guest-os-minimal"}
    return bool(repeated & kernels) and not repeated & FULL_GUESTS


def between_the_extremes(stack: tuple[str, ...]) -> bool:
    """Neither a plain container nor a full VM: a sandbox, a microVM, a VM-per-pod runtime, a
    minimal guest or a unikernel, a Wasm runtime."""
    repeated = set(per_instance(stack))
    return per_instance(stack)[0] != "container-runtime" and not repeated & FULL_GUESTS


# What each challenge says it teaches, as a rule about the stacks that should pass.
EMBODIES = {
    "fit-a-hundred": shares_one_kernel,
    "dense-and-isolated": own_light_kernel,
    "isolate-ci-tenants": own_light_kernel,
    "between-the-extremes": between_the_extremes,
}

CHALLENGES = questions("challenge")


@pytest.mark.parametrize("challenge", CHALLENGES, ids=[c["slug"] for c in CHALLENGES])
def test_only_stacks_that_embody_the_challenges_lesson_pass(challenge):
    assert challenge.get("teaches"), f"{challenge['slug']} does not say what it teaches"
    embodies = EMBODIES.get(challenge["slug"])
    assert embodies, f"add the rule {challenge['slug']} teaches to EMBODIES"
    spec = {
        "instances": challenge.get("instances", 1),
        "host_memory_mb": challenge.get("host_memory_mb", engine.DEFAULT_HOST_MEMORY_MB),
        "constraints": challenge["constraints"],
    }
    complete = [stack for stack in every_stack() if stack[-1] in ("app", "unikernel")]
    passing = [stack for stack in complete if grading.grade_challenge(spec, stack).correct]
    assert passing, "no stack passes"
    wrong = [" > ".join(stack) for stack in passing if not embodies(stack)]
    assert not wrong, f"these pass without embodying the lesson: {wrong[:5]}"
    assert any(not embodies(stack) for stack in complete), "the rule excludes nothing"
