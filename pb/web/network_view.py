"""Networks as residents see them: a card on the front page, and the network's own page."""

from __future__ import annotations

from dataclasses import dataclass

from pb.core.models import Budget, Network, NetworkKind
from pb.i18n import LazyString, Locale
from pb.municipalities.overview import MunicipalityOverview, NetworkOverview
from pb.web.labels import NETWORK_KINDS
from pb.web.views import Localized, localized


@dataclass(frozen=True, slots=True)
class NetworkCard:
    name: Localized
    kind: NetworkKind
    kind_label: LazyString
    description: Localized
    url: str
    budget: int | None
    """This round's money for the network, in cents; none when it has no budget this round."""


@dataclass(frozen=True, slots=True)
class BudgetLine:
    name: Localized
    amount: int


@dataclass(frozen=True, slots=True)
class Coordinator:
    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class NetworkDetail:
    name: Localized
    kind: NetworkKind
    kind_label: LazyString
    description: Localized
    postal_codes: list[str]
    districts: list[str]
    core_team: list[str]
    coordinator: Coordinator | None
    budgets: list[BudgetLine]


def network_url(municipality_slug: str, network: Network) -> str:
    return f"/{municipality_slug}/networks/{network.slug}"


def _budget_of(network: Network, budgets: list[Budget]) -> int | None:
    amounts = [b.amount for b in budgets if b.network_id == network.id]
    return sum(amounts) if amounts else None


KIND_ORDER = {kind: index for index, kind in enumerate(NetworkKind)}
"""Regional networks first, then theme networks, then the business network, as residents look for their area."""


def network_cards(overview: MunicipalityOverview, locale: Locale, *, kind: NetworkKind | None) -> list[NetworkCard]:
    budgets = list(overview.current.budgets) if overview.current else []
    cards = [
        NetworkCard(
            name=localized(n.name, locale),
            kind=NetworkKind(n.kind),
            kind_label=NETWORK_KINDS[NetworkKind(n.kind)],
            description=localized(n.description, locale),
            url=network_url(overview.municipality.slug, n),
            budget=_budget_of(n, budgets),
        )
        for n in overview.networks
        if kind is None or n.kind == kind.value
    ]
    return sorted(cards, key=lambda card: (KIND_ORDER[card.kind], card.name.text.casefold()))


def network_detail(overview: NetworkOverview, locale: Locale) -> NetworkDetail:
    network, contact = overview.network, overview.network.coordinator
    return NetworkDetail(
        name=localized(network.name, locale),
        kind=NetworkKind(network.kind),
        kind_label=NETWORK_KINDS[NetworkKind(network.kind)],
        description=localized(network.description, locale),
        postal_codes=list(network.postal_codes),
        districts=list(network.districts),
        core_team=list(network.core_team),
        coordinator=Coordinator(contact["name"], contact.get("email"), contact.get("phone")) if contact else None,
        budgets=[BudgetLine(localized(b.name, locale), b.amount) for b in overview.budgets],
    )
