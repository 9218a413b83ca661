"""The administrator prints the poster and the wallet cards: each fits one letter page, and the
poster's QR code, read from the printed page, leads to the ask page."""

import re

import pytest

pytestmark = pytest.mark.browser

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-z])")


def printed_pages(page) -> int:
    page.emulate_media(media="print")
    pdf = page.pdf(format="Letter", print_background=True)  # the @page rule's size and margins
    return len(PAGE_OBJECT.findall(pdf))


def own_short_name() -> str:
    """The director's program's: the kit leads to its own public page."""
    from peersupport.program.models import Program

    return Program.default().short_name


def test_the_poster_and_the_wallet_cards_each_print_on_one_letter_page(team, new_page, sign_in, assert_accessible,
                                                                       site):
    page = new_page()
    sign_in(page, team.director.email, team.password)
    page.goto("/publicity/")
    assert_accessible(page)
    page.get_by_role("link", name="Poster").click()
    page.get_by_test_id("poster").wait_for()
    assert page.get_by_test_id("ask-url").inner_text() == f"{site}/support/{own_short_name()}/ask/"
    assert_accessible(page)
    assert printed_pages(page) == 1
    # On paper the site's header, footer and buttons are gone: the poster alone.
    assert not page.locator(".site-header").is_visible()

    page.emulate_media(media="screen")
    page.goto("/publicity/cards/")
    assert page.get_by_test_id("wallet-card").count() == 8
    assert printed_pages(page) == 1


def test_the_poster_qr_code_read_from_the_screen_opens_the_ask_page(team, new_page, sign_in, site):
    import numpy as np
    import zxingcpp

    page = new_page()
    sign_in(page, team.director.email, team.password)
    page.goto("/publicity/poster/")
    shot = page.locator(".poster__qr svg").screenshot(type="jpeg", quality=100)
    # Decoded without an image library: the browser turns its own screenshot into pixels.
    pixels = page.evaluate(
        """async (b64) => {
            const img = new Image(); img.src = "data:image/jpeg;base64," + b64; await img.decode();
            const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
            const g = c.getContext("2d"); g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            const grey = []; for (let i = 0; i < d.length; i += 4) grey.push(d[i]);
            return [c.width, c.height, grey];
        }""",
        __import__("base64").b64encode(shot).decode(),
    )
    width, height, grey = pixels
    image = np.array(grey, dtype=np.uint8).reshape(height, width)
    [found] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == f"{site}/support/{own_short_name()}/ask/"
    page.goto(found.text)
    assert page.get_by_role("heading", level=1).count() == 1
    assert f"/support/{own_short_name()}/ask/" in page.url


def test_the_checklist_and_chart_fit_a_phone(team, new_page, sign_in, assert_accessible,
                                              assert_no_horizontal_scroll):
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    from peersupport.publicity.testing import make_place, make_publicity_date
    from peersupport.referrals.models import Referral

    today = timezone.localdate()
    make_publicity_date(make_place("Grand rounds"), today - timedelta(days=40))
    for months_ago, source, count in ((3, "self", 14), (2, "self", 18), (1, "colleague", 12), (1, "self", 4)):
        at = datetime.now(UTC) - timedelta(days=30 * months_ago)
        Referral.objects.bulk_create([Referral(category="other", occurred_on=at.date(), summary="A hard shift.",
                                               source=source, received_at=at) for _ in range(count)])
    phone = new_page(phone=True)
    sign_in(phone, team.director.email, team.password)
    phone.goto("/publicity/")
    phone.get_by_test_id("by-source-chart").wait_for()
    assert phone.get_by_test_id("chart-marks").inner_text().startswith("Grand rounds")
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
    phone.screenshot(path="/tmp/publicity-phone.png", full_page=True)
    phone.goto("/publicity/poster/")
    assert_no_horizontal_scroll(phone)
    phone.goto("/publicity/cards/")
    assert_no_horizontal_scroll(phone)
    phone.goto("/publicity/snippet/")
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
