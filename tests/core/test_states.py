from __future__ import annotations

import itertools

from pos_app.core.states import ALLOWED, PaymentState, can_move

S = PaymentState


def test_final_states_never_move_back() -> None:
    for state in S:
        if state.is_final:
            # Only a refund (our own new operation) leaves a paid state.
            assert ALLOWED[state] <= {S.REFUNDING, S.PARTIALLY_REFUNDED, S.REFUNDED}, state
    for ended in (S.DECLINED, S.EXPIRED, S.CANCELLED, S.REFUNDED):
        assert not ALLOWED[ended]


def test_every_state_is_reachable_from_draft() -> None:
    seen, todo = {S.DRAFT}, [S.DRAFT]
    while todo:
        for nxt in ALLOWED[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(S)


def test_design_paths() -> None:
    path = [S.DRAFT, S.CREATING, S.PENDING, S.CANCELLING, S.PAID, S.REFUNDING,
            S.PARTIALLY_REFUNDED, S.REFUNDING, S.REFUNDED]
    assert all(can_move(a, b) for a, b in itertools.pairwise(path))
    assert can_move(S.CREATING, S.UNKNOWN)
    assert can_move(S.UNKNOWN, S.PAID)
    assert not can_move(S.PAID, S.PENDING)
    assert not can_move(S.CANCELLED, S.PAID)
    assert not can_move(S.PENDING, S.REFUNDED)
