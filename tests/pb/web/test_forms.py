"""Form handling: the API's schema validates, errors become catalogue messages tied to their fields."""

from __future__ import annotations

import pytest
from pydantic import Field

from pb.core.schemas import Input, LocalizedName, Name
from pb.i18n import lazy_gettext, translator
from pb.web.forms import ConversionError, Messages, euros_to_cents, field_id, validate, whole_number


class ExampleCreate(Input):
    """Stands in for an API body: nested names, a bounded count, money in cents, an optional note."""

    name: LocalizedName
    seats: int = Field(ge=1, le=40)
    cost: int = Field(gt=0)
    note: Name | None = None


FI = translator("fi")
VALID = {"name.fi": "Leikkipuisto", "seats": "12", "cost": "1 250,50", "csrf_token": "x"}
CONVERTERS = {"cost": euros_to_cents}


def test_valid_fields_give_the_schema_s_data_with_euros_as_cents() -> None:
    form = validate(ExampleCreate, VALID, FI, converters=CONVERTERS)
    assert form.errors == []
    assert form.data == ExampleCreate(name=LocalizedName(fi="Leikkipuisto"), seats=12, cost=125_050)


def test_blank_optional_fields_count_as_not_given() -> None:
    form = validate(ExampleCreate, {**VALID, "note": "   ", "name.sv": ""}, FI, converters=CONVERTERS)
    assert form.data is not None
    assert form.data.note is None and form.data.name.sv is None


def test_errors_are_catalogue_messages_in_field_order_never_pydantic_english() -> None:
    form = validate(ExampleCreate, {"name.fi": "", "seats": "99", "cost": "kymppi"}, FI, converters=CONVERTERS,
                    field_order=["name.fi", "seats", "cost"])
    assert form.data is None
    assert [(e.field, e.message) for e in form.errors] == [
        ("name.fi", "Täytä tämä kenttä."),
        ("seats", "Anna luku, joka on enintään 40."),
        ("cost", "Anna summa euroina, esimerkiksi 1 250 tai 1 250,50."),
    ]
    assert not any("Input should" in e.message or "Field required" in e.message for e in form.errors)


def test_a_form_may_give_its_own_message_for_a_field_and_error_type() -> None:
    messages: Messages = {("name.fi", "missing"): lazy_gettext("Skip to main content")}  # any catalogue message
    form = validate(ExampleCreate, {"seats": "3", "cost": "5"}, FI, messages=messages,
                    field_order=["name.fi", "seats", "cost"])
    assert form.error("name.fi") == "Siirry pääsisältöön"


def test_the_submitted_values_come_back_for_the_re_rendered_form_but_not_the_token() -> None:
    form = validate(ExampleCreate, {**VALID, "seats": "many"}, translator("sv"), converters=CONVERTERS)
    assert form.value("seats") == "many"
    assert form.value("csrf_token") == ""
    assert form.error("seats") == "Ange ett heltal, till exempel 12."


def test_error_anchors_are_the_ids_of_the_inputs() -> None:
    form = validate(ExampleCreate, {"name.fi": " ", "seats": "1", "cost": "1"}, FI)
    assert [e.anchor for e in form.errors] == ["field-name-fi"]
    assert field_id("max_total_points") == "field-max-total-points"


@pytest.mark.parametrize(("text", "cents"), [
    ("1250", 125_000), ("1 250,50", 125_050), ("1\xa0250,5 €", 125_050), ("0.05", 5), ("2500€", 250_000),
])
def test_euros_in_the_ways_people_write_them(text: str, cents: int) -> None:
    assert euros_to_cents(text, "fi") == cents


@pytest.mark.parametrize("text", ["", "abc", "1,234", "-5", "1e3", "NaN", "Infinity", "1" * 20])
def test_amounts_that_are_not_euros_and_cents_are_refused(text: str) -> None:
    with pytest.raises(ConversionError):
        euros_to_cents(text, "fi")


def test_whole_numbers_accept_spaces_and_refuse_fractions() -> None:
    assert whole_number("1 200", "fi") == 1200
    with pytest.raises(ConversionError):
        whole_number("1,5", "fi")
