"""Who is signed in on a busy morning: the share of each role among the load's users.

Shared by the locustfile (which user classes, how many of each) and the driver (which logins to
prepare); nothing here imports Django or locust.
"""

# The share of each role among the users at work at once (they add up to 1).
ROLE_SHARES = {
    "director": 0.08,
    "supporter": 0.40,
    "referrer": 0.20,
    "integration": 0.06,
    "leader": 0.06,
    "public": 0.20,
}


def role_counts(users: int) -> dict[str, int]:
    """Users per role, adding up to `users` exactly (largest remainder), at least one director."""
    exact = {role: users * share for role, share in ROLE_SHARES.items()}
    counts = {role: int(value) for role, value in exact.items()}
    for role in sorted(exact, key=lambda r: exact[r] - counts[r], reverse=True)[: users - sum(counts.values())]:
        counts[role] += 1
    if counts["director"] == 0 and users > 1:
        largest = max(counts, key=lambda r: counts[r])
        counts["director"], counts[largest] = 1, counts[largest] - 1
    return counts
