import gc
import weakref

import pytest

from peersupport.lib.bulk import cyclic_gc_paused


def test_the_collector_is_paused_inside_and_running_again_after():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner end leaves the outer's pause alone
    assert gc.isenabled()


def test_the_collector_runs_again_when_the_work_fails():
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError("a failed import")
    assert gc.isenabled()


def test_cycles_made_while_paused_are_collected_at_the_end():
    class Node:
        pass

    with cyclic_gc_paused():
        node = Node()
        node.self = node  # type: ignore[attr-defined]  # a cycle through an attribute set here
        gone = weakref.ref(node)
        del node
        assert gone() is not None  # only a collection frees a cycle
    assert gone() is None
