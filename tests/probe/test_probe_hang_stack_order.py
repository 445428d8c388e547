"""The stacks a hung probe printed (faulthandler, every thread) are shown with the person's own
code first: fdgui's progress thread came first, the user's `hang.py, line 11` below it
(review17p L4). What the probe printed before the dump stays where it was."""

from __future__ import annotations

import os

import fdgui.probe
from fdgui.probe.output import user_stack_first

OWN = os.path.dirname(os.path.abspath(fdgui.probe.__file__))
PRINTED = f"""epoch 1
Thread 0x00007fb0d68fe6c0 (most recent call first):
  File "{OWN}/progress.py", line 86 in _beat
  File "/usr/lib/python3.11/threading.py", line 982 in run

Current thread 0x00007fb0dedddb80 (most recent call first):
  File "/tmp/p/hang.py", line 11 in loss
  File "{OWN}/source.py", line 239 in _user
"""


def test_the_users_thread_comes_before_fdguis_progress_thread():
    shown = user_stack_first(PRINTED)
    assert shown.startswith("epoch 1\n"), shown
    assert shown.index("hang.py") < shown.index("progress.py"), shown
    assert sorted(shown.split()) == sorted(PRINTED.split())


def test_a_user_thread_beside_the_interrupted_one_keeps_the_interrupted_first():
    printed = PRINTED.replace(f"{OWN}/progress.py", "/tmp/p/loader.py")
    shown = user_stack_first(printed)
    assert shown.index("hang.py") < shown.index("loader.py"), shown


def test_text_without_a_dump_is_unchanged():
    assert user_stack_first("hello\nworld\n") == "hello\nworld\n"
