"""What a program's printed kit and safety-reporting system point at: its own public ask page
(/support/<short name>/ask/), so a poster at one hospital brings its clinicians to their own program.

The QR code is inline SVG (no image library, nothing fetched), drawn with the qrcode library the
two-step sign-in page uses too.
"""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from peersupport.program.models import Program
from peersupport.referrals.models import Source

OPT_IN_TEXT = "I would like a peer supporter to reach out"


def ask_url(program: Program) -> str:
    """The program's public page where a clinician asks for a peer supporter, as an absolute address."""
    return f"{settings.SITE_URL}{reverse('support-program-ask', args=[program.short_name])}"


def opt_in_url(program: Program) -> str:
    return f"{ask_url(program)}?source={Source.SAFETY_REPORT_OPT_IN.value}"


def qr_svg(url: str, *, label: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    svg: str = image.to_string(encoding="unicode")
    return svg.replace("<svg ", f'<svg class="kit-qr" role="img" aria-label="{escape(label)}" ', 1)


def opt_in_snippets(program: Program) -> list[tuple[str, str, str]]:
    """(key, what it is, the HTML to paste) for the program's safety-reporting form."""
    url = escape(opt_in_url(program))
    link = (f'<p class="peer-support-opt-in">\n'
            f'  <a href="{url}" target="_blank" rel="noopener">{OPT_IN_TEXT}</a>\n'
            f'</p>')
    checkbox = (f'<label class="peer-support-opt-in">\n'
                f'  <input type="checkbox" name="peer_support_opt_in" value="yes"\n'
                f'         data-peer-support-url="{url}">\n'
                f'  {OPT_IN_TEXT}\n'
                f'</label>')
    return [
        ("link", gettext("A link on the form (opens the ask page in a new tab)"), link),
        ("checkbox", gettext("A box to tick, for a form whose confirmation page then opens the address in "
                             "data-peer-support-url when it was ticked"), checkbox),
    ]
