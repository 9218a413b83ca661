"""The peer's feedback link: signed, single use, and carrying nothing but the event's category.

The link names no case and no person, so neither the answer nor the link's recorded use
(`LinkUse`: its random nonce and purpose) says whose it was.
"""

from datetime import timedelta

from peersupport.support.links import LinkKind

FEEDBACK_LINK_DAYS = 30

FEEDBACK = LinkKind("feedback", "peersupport.feedback.link", "feedback-form",
                    lambda: timedelta(days=FEEDBACK_LINK_DAYS))
