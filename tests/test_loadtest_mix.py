"""The load test's mix of roles (loadtest/mix.py): whatever the number of users, the roles add up
to it, and the program office is never left out."""

from loadtest.mix import ROLE_SHARES, role_counts


def test_the_roles_add_up_to_the_users_and_there_is_always_a_director():
    assert abs(sum(ROLE_SHARES.values()) - 1) < 1e-9
    for users in range(2, 201):
        counts = role_counts(users)
        assert sum(counts.values()) == users
        assert counts["director"] >= 1
        assert all(count >= 0 for count in counts.values())


def test_fifty_users_are_a_busy_morning():
    assert role_counts(50) == {"director": 4, "supporter": 20, "referrer": 10, "integration": 3, "leader": 3,
                               "public": 10}
