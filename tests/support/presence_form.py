"""Filling /presence's form in the browser as a worker does, once for every browser test."""

# A report that the server takes, in the order she fills it (country before region: the region list
# follows the country). Tests override what they are about; None leaves a field untouched.
REPORT = {
    "passport_number": "X1234567", "country": "MY", "region": "MY-12", "city": "Kota Kinabalu",
    "address": "Jalan Tuaran 12", "employer_name": "Ladang Sawit", "sector": "domestic_work",
    "arrival_date": "2025-01-15", "emergency_contact.name": "Siti",
    "emergency_contact.phone": "+6281234567890", "emergency_contact.relation": "ibu",
}


def send_presence(page, fields: dict | None = None) -> None:
    """Fill the open form with REPORT and `fields` over it, then send it. A list is chosen by an
    option's value or by the words she reads, once the list has it (places.js fills the regions)."""
    for name, value in {**REPORT, **(fields or {})}.items():
        if value is None:
            continue
        control = page.locator(f"[name='{name}']")
        if control.evaluate("el => el.tagName") == "SELECT":
            by_value = page.locator(f"select[name='{name}'] option[value='{value}']")
            by_words = page.locator(f"select[name='{name}'] option", has_text=value)
            by_value.or_(by_words).first.wait_for(state="attached")
            page.select_option(f"select[name='{name}']", value)
        else:
            control.fill(value)
    with page.expect_navigation():
        page.click("#presence-form button[type=submit]")
