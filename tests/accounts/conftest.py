# The teacher, class and learner cast is shared with tests/teach.
from tests.teach.conftest import alice, room  # noqa: F401
