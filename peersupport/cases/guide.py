"""The conversation guide, in our own words: short enough to glance at during a call.

One entry per `GuideTopic`, in the order of a conversation, so the guide and the encounter
form's checkboxes can never drift apart.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from peersupport.cases.models import GuideTopic

# The guide's texts are lazy: each is read in the language of whoever opens the guide.
StrOrPromise = str | Promise


@dataclass(frozen=True)
class GuideSection:
    topic: str
    label: Any
    aim: StrOrPromise
    say: tuple[StrOrPromise, ...]
    tips: tuple[StrOrPromise, ...] = ()


_SECTIONS: dict[str, tuple[StrOrPromise, tuple[StrOrPromise, ...], tuple[StrOrPromise, ...]]] = {
    GuideTopic.OPENING: (
        _("Say who you are and why you are calling, promise confidentiality and name its one "
          "limit, then let them choose."),
        (
            _("Hi, this is … I work in … here, and I'm one of the hospital's peer supporters."),
            _("We reach out to every colleague after a hard event at work. It's routine; nobody "
              "thinks you aren't coping."),
            _("What we say stays between us. I don't report to your department, to risk management "
              "or to anyone reviewing the event, and I don't write down what you tell me."),
            _("There's one exception: if I'm worried about your safety or someone else's, I'll make "
              "sure you get more help."),
            _("Is now a good time? Would you like to talk for a bit about how you're doing?"),
        ),
        (
            _('A "no, thanks" is a fine answer. Thank them, and say the door stays open.'),
        ),
    ),
    GuideTopic.STORY: (
        _("Invite them to tell it their way, as much or as little as they like."),
        (
            _("Would you like to tell me what happened, and how it has been for you since?"),
            _("Take your time. Start wherever you like."),
        ),
        (
            _("Ask about their experience, not about what should have been done."),
            _("You are not reviewing the event: leave the facts to the processes meant for them."),
        ),
    ),
    GuideTopic.LISTENING: (
        _("Listen more than you speak, and show you heard."),
        (
            _("It sounds like you keep going over it at night."),
            _("That must have been frightening."),
            _("So on top of everything, you've had to keep working as if nothing happened."),
        ),
        (
            _("Silences are fine; let them think."),
            _("Don't fix, judge or compare stories. You don't need the right words; being there is "
              "the help."),
        ),
    ),
    GuideTopic.NORMALIZING: (
        _("Let them know their reaction is common and usually eases with time."),
        (
            _("Many of us feel exactly this after an event like this: guilt, doubt, poor sleep, "
              "dreading the next shift."),
            _("It's a normal reaction to an abnormal day, and for most of us it gets lighter."),
        ),
        (
            _("A brief word about a time you felt something similar can help. Keep it short, then "
              "turn back to them."),
        ),
    ),
    GuideTopic.REFRAMING: (
        _("Gently offer a kinder way of seeing the harsh things they say about themselves."),
        (
            _("You're holding yourself to a standard no one meets on every shift."),
            _("That it hurts this much says how much you care about your patients."),
            _("What would you say to a colleague who told you this?"),
        ),
        (
            _("Offer, don't argue. If it doesn't land, go back to listening."),
        ),
    ),
    GuideTopic.SENSE_MAKING: (
        _("Help them find whatever meaning or learning they choose to take from it."),
        (
            _("What would you want to take from this, looking back in a year?"),
            _("Is there anything that would help you feel ready for the next shift?"),
        ),
        (
            _("Let them lead. There may be no lesson, and that's all right too."),
        ),
    ),
    GuideTopic.COPING: (
        _("Ask about sleep, support at home and time off, and what has helped before."),
        (
            _("How are you sleeping?"),
            _("Who do you have at home, or among friends, to talk to?"),
            _("Would a few days off or a lighter schedule help? I can help arrange it, without "
              "anyone being told why."),
            _("What has helped you through hard times before?"),
        ),
        (
            _("Small things count: a walk, regular meals, time with people who lift them."),
        ),
    ),
    GuideTopic.RESOURCES: (
        _("If they would like more help, offer a warm hand-off, and agree whether to talk "
          "again."),
        (
            _("Would it help to talk with someone who does this professionally? I can make the call "
              "with you."),
            _("Would you like me to check in with you in a week or two?"),
        ),
        (
            _("A warm hand-off (making the introduction together) helps far more than a phone "
              "number."),
            _("Two conversations are usual. If they need more, connect them with professional help."),
        ),
    ),
    GuideTopic.CLOSING: (
        _("Thank them, leave the door open, and look after yourself too."),
        (
            _("Thank you for talking with me. It took courage."),
            _("Is there anything else you'd like to say before we finish?"),
            _("You can reach me, or the program, any time, even months from now."),
        ),
        (
            _("Afterwards, record only that you talked: the date, how long, how, and which topics. "
              "Never what was said."),
            _("Hard conversations stay with supporters too. Talk with the director or a fellow "
              "supporter whenever you need to."),
        ),
    ),
}

GUIDE: tuple[GuideSection, ...] = tuple(
    GuideSection(topic, GuideTopic(topic).label, *_SECTIONS[topic]) for topic in GuideTopic.values
)
