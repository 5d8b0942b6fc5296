"""What residents proposed for the 2027 round, and what became of each proposal (made up, in fi/sv/en).

Each entry: the budget, the author (a development IdP person id, else a neighbour), the title and description
as its author wrote them, a theme, the proposers' own estimate and the official review (decision and binding
cost in euros), and how many neighbours support it. Deliberation decides the rest: a proposal with fewer than
two supports stops in the first deliberation round, one reviewed not feasible in the last, the others go on
the ballot.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Idea:
    budget: str
    author: str | None
    """A development IdP person id (``aino``...), or None for a neighbour of the budget's area."""
    title: dict[str, str]
    description: dict[str, str]
    theme: str
    own_cost: int | None
    """Euros."""
    decision: str
    cost: int | None
    """The official estimate in euros (feasible decisions)."""
    supports: int
    show_name: bool = False
    reason: dict[str, str] = field(default_factory=dict)


def _t(fi: str, sv: str | None = None, en: str | None = None) -> dict[str, str]:
    texts = {"fi": fi, "sv": sv, "en": en}
    return {language: text for language, text in texts.items() if text}


FEASIBLE = "feasible"
WITH_CHANGES = "feasible_with_changes"
NOT_FEASIBLE = "not_feasible"
OUT_OF_SCOPE = "out_of_scope"

IDEAS: tuple[Idea, ...] = (
    Idea("hyryla", "aino",
         _t("Kuntoiluvälineet Hyrylän keskuspuistoon", "Utegym i Hyrylä centralpark", "Outdoor gym in Hyrylä park"),
         _t("Keskuspuiston nurmikentän laitaan neljä ulkokuntoilulaitetta, joita voi käyttää kaiken ikäiset.",
            en="Four outdoor exercise machines beside the park's lawn, usable at any age."),
         "liikunta", 1500, FEASIBLE, 1400, 9, show_name=True),
    Idea("hyryla", "sanna-bank",
         _t("Penkkejä Rantatien varteen", "Bänkar längs Strandvägen", "Benches along Rantatie"),
         _t("Viisi penkkiä kävelytien varteen, jotta iäkkäätkin jaksavat kävellä järvelle.",
            "Fem bänkar längs gångvägen så att även äldre orkar gå till sjön."),
         "viihtyisyys", 500, FEASIBLE, 600, 7),
    Idea("hyryla", None,
         _t("Valaistus koirapuistoon", en="Lighting for the dog park"),
         _t("Koirapuistoon kaksi valaisinta, jotta sitä voi käyttää pimeänä vuodenaikana.",
            en="Two lights in the dog park so it can be used in the dark months."),
         "turvallisuus", 1200, WITH_CHANGES, 900, 6,
         reason=_t("Toteutetaan yhdellä led-valaisimella ja ajastimella.",
                   en="Done with one LED light on a timer.")),
    Idea("hyryla", None,
         _t("Kukkaistutukset kirjaston pihalle", "Blomsterplanteringar vid biblioteket"),
         _t("Perennapenkki kirjaston sisäänkäynnin viereen talkoilla hoidettavaksi."),
         "viihtyisyys", 400, FEASIBLE, 450, 4),
    Idea("hyryla", None,
         _t("Uimahalli Hyrylään", en="A swimming hall for Hyrylä"),
         _t("Hyrylään tarvitaan oma uimahalli.", en="Hyrylä needs a swimming hall of its own."),
         "liikunta", None, OUT_OF_SCOPE, None, 5,
         reason=_t("Uimahalli on investointi, joka ei mahdu osallistuvan budjetoinnin raameihin.",
                   "En simhall är en investering som inte ryms i den deltagande budgeteringen.",
                   "A swimming hall is an investment far beyond participatory budgeting.")),
    Idea("riihikallio", "matti",
         _t("Pingispöytä Riihikallion koulun pihalle", "Pingisbord på Riihikallio skolgård",
            "Table tennis table at Riihikallio school"),
         _t("Säänkestävä betoninen pingispöytä koulun pihalle, iltaisin kaikkien käytössä.",
            en="A weatherproof concrete table tennis table in the schoolyard, open to all in the evenings."),
         "liikunta", 1000, FEASIBLE, 1200, 8, show_name=True),
    Idea("riihikallio", None,
         _t("Linnunpönttöjä lähimetsään", "Fågelholkar i närskogen", "Nest boxes for the local woods"),
         _t("Kolmekymmentä linnunpönttöä koululaisten kanssa rakennettuna ja ripustettuna."),
         "luonto", 300, FEASIBLE, 300, 5),
    Idea("riihikallio", None,
         _t("Riihikallion kyläjuhla", "Riihikallio byfest", "Riihikallio village party"),
         _t("Syyskuinen kyläjuhla koulun kentällä: musiikkia, kirpputori ja makkaranpaistoa."),
         "yhteiso", 800, FEASIBLE, 800, 6),
    Idea("riihikallio", None,
         _t("Opasteet ulkoilupoluille", en="Signs for the outdoor paths"),
         _t("Risteyksiin viitat ja karttataulu, jotta polut löytää vieraskin."),
         "luonto", 600, FEASIBLE, 700, 3),
    Idea("riihikallio", None,
         _t("Graffitiseinä alikulkuun", en="A graffiti wall in the underpass"),
         _t("Laillinen graffitiseinä nuorille alikulkutunneliin."),
         "kulttuuri", 700, FEASIBLE, 700, 1),
    Idea("jokela", "liisa",
         _t("Taidetta Jokelan aseman odotustilaan", "Konst i Jokela stations väntsal",
            "Art for Jokela station's waiting room"),
         _t("Paikallisten taiteilijoiden teoksia aseman odotustilaan vaihtuvina näyttelyinä.",
            en="Changing exhibitions of local artists' work in the station's waiting room."),
         "kulttuuri", 1000, FEASIBLE, 1000, 7, show_name=True),
    Idea("jokela", None,
         _t("Frisbeegolfradan korjaus", "Reparation av discgolfbanan", "Repairing the disc golf course"),
         _t("Kuluneiden heittopaikkojen uusiminen ja kaksi uutta koria."),
         "liikunta", 1500, WITH_CHANGES, 1300, 6,
         reason=_t("Korit uusitaan, heittopaikoista korjataan pahimmat kolme.",
                   en="The baskets are renewed and the three worst tees repaired.")),
    Idea("jokela", None,
         _t("Kesäkonsertti Jokelan puistoon", "Sommarkonsert i Jokela park", "Summer concert in Jokela park"),
         _t("Ilmainen kesäkonsertti paikallisille bändeille elokuussa."),
         "kulttuuri", 900, FEASIBLE, 900, 5),
    Idea("jokela", None,
         _t("Pelikonsoli nuorisotilaan", en="A games console for the youth room"),
         _t("Nuorisotilaan pelikonsoli ja kaksi ohjainta yhteisiin peli-iltoihin."),
         "nuoret", 500, FEASIBLE, 500, 4),
    Idea("kellokoski", "juhani",
         _t("Opastaulut Kellokosken ruukinpuistoon", "Informationstavlor i Kellokoski bruk",
            "Information boards for Kellokoski ironworks park"),
         _t("Ruukin historiasta kertovat taulut kolmella kielellä puiston polun varrelle.",
            en="Boards on the ironworks' history in three languages along the park path."),
         "kulttuuri", 900, FEASIBLE, 800, 8, show_name=True),
    Idea("kellokoski", None,
         _t("Laituri Koskenrannan uimapaikalle", "Brygga vid Forsstrandens badplats",
            "A jetty for the Koskenranta beach"),
         _t("Uimapaikalle kelluva laituri ja tikkaat."),
         "liikunta", 2000, FEASIBLE, 1600, 7),
    Idea("kellokoski", None,
         _t("Ruukin joulumarkkinat", "Brukets julmarknad", "Christmas market at the ironworks"),
         _t("Joulumarkkinat ruukin pihalla: kojut, valot ja kuoro."),
         "yhteiso", 600, FEASIBLE, 600, 5),
    Idea("kellokoski", None,
         _t("Lautapelejä kirjastoon", en="Board games for the library"),
         _t("Kirjastoon lainattavia lautapelejä ja kuukausittainen peli-ilta."),
         "yhteiso", 300, FEASIBLE, 300, 3),
    Idea("luonto-ja-liikunta", None,
         _t("Pitkospuut Tuusulanjärven rantareitille", "Spångar på Tusby träsks strandled",
            "Duckboards for the Lake Tuusula shore trail"),
         _t("Rantareitin märimmälle osuudelle 200 metriä pitkospuita.",
            en="200 metres of duckboards on the wettest part of the shore trail."),
         "luonto", 1600, FEASIBLE, 1500, 9),
    Idea("luonto-ja-liikunta", "aino",
         _t("Ulkokuntosalin opastusillat", "Handledning på utegymmet", "Guided evenings at the outdoor gym"),
         _t("Fysioterapeutti opastaa ulkokuntosalin käyttöä kymmenenä iltana kesällä."),
         "liikunta", 400, FEASIBLE, 400, 6),
    Idea("luonto-ja-liikunta", None,
         _t("Retkiluistelureitin aurauskalusto", "Plogutrustning för långfärdsskridskoleden",
            "Ploughing gear for the lake skating track"),
         _t("Mönkijään kiinnitettävä aura, jolla talkooporukka pitää jääreitin auki."),
         "liikunta", 1200, FEASIBLE, 1200, 7),
    Idea("luonto-ja-liikunta", None,
         _t("Lintutorni Rantamoon", "Fågeltorn i Rantamo", "A bird tower in Rantamo"),
         _t("Matala, esteetön lintutorni Rantamon kosteikolle."),
         "luonto", 2500, WITH_CHANGES, 2000, 5,
         reason=_t("Toteutetaan lintulavana tornin sijaan.", en="Built as a low viewing platform, not a tower.")),
    Idea("luonto-ja-liikunta", None,
         _t("QR-opasteet luontopolulle", en="QR signs for the nature trail"),
         _t("Luontopolun kasveista ja linnuista kertovat QR-koodit ääniopastuksella."),
         "luonto", 350, FEASIBLE, 350, 3),
    Idea("elinkeinoverkosto", None,
         _t("Nuorten kesätyötori", "Sommarjobbstorg för unga", "Summer job fair for young people"),
         _t("Paikalliset yrittäjät ja nuoret kohtaavat kesätyötorilla toukokuussa."),
         "elinkeinot", 700, FEASIBLE, 700, 6),
    Idea("elinkeinoverkosto", None,
         _t("Joulukatu Hyrylän keskustaan", "Julgata i Hyrylä centrum", "A Christmas street in Hyrylä"),
         _t("Valot ja ohjelmaa keskustan liikkeiden edustalle joulukuun lauantaisin."),
         "elinkeinot", 1300, FEASIBLE, 1200, 5),
    Idea("elinkeinoverkosto", None,
         _t("Lähiruokatori", "Närmatstorg", "Local food market"),
         _t("Kuukausittainen lähiruokatori tuottajille kesä-syyskuussa."),
         "elinkeinot", 900, FEASIBLE, 900, 4),
    Idea("elinkeinoverkosto", None,
         _t("Yhteinen verkkokauppa pienyrittäjille", en="A shared web shop for small businesses"),
         _t("Alusta, jolla pienet yritykset myyvät yhdessä verkossa."),
         "elinkeinot", 5000, NOT_FEASIBLE, None, 3,
         reason=_t("Jatkuva palvelu vaatii ylläpitoa, jota kertaluonteinen raha ei kata.",
                   en="A running service needs upkeep that one-off money does not cover.")),
    Idea("koko-tuusula", "sanna-bank",
         _t("Taidetta alikulkuihin", "Konst i gångtunnlarna", "Art in the underpasses"),
         _t("Neljän alikulun seinille nuorten ja taiteilijoiden yhdessä maalaamat teokset.",
            en="Murals painted by young people and artists together in four underpasses."),
         "kulttuuri", 4000, FEASIBLE, 4000, 8),
    Idea("koko-tuusula", None,
         _t("Kirjastoauton lauantaireitti", "Bokbussens lördagsrutt", "A Saturday route for the library bus"),
         _t("Kirjastoauto kiertää lauantaisin kylissä, joissa ei ole kirjastoa."),
         "kulttuuri", 3000, FEASIBLE, 3000, 7),
    Idea("koko-tuusula", None,
         _t("Kaikkien Tuusula -liikuntapäivä", "Motionsdag för hela Tusby", "An exercise day for all Tuusula"),
         _t("Koko kunnan liikuntapäivä, jossa seurat esittelevät lajejaan ilmaiseksi."),
         "liikunta", 2500, FEASIBLE, 2500, 6),
    Idea("koko-tuusula", "juhani",
         _t("Digitukea ikäihmisille", "Digitalt stöd för äldre", "Digital help for older people"),
         _t("Viikoittaiset digitukituokiot kirjastoissa vapaaehtoisten kanssa."),
         "yhteiso", 2000, FEASIBLE, 2000, 5),
    Idea("kulttuuri", "liisa",
         _t("Kesäteatteri Jokelaan", "Sommarteater i Jokela", "Summer theatre in Jokela"),
         _t("Harrastajateatterin kesänäytökset Jokelan kesäteatterilavalla."),
         "kulttuuri", 3000, FEASIBLE, 3000, 7),
    Idea("kulttuuri", None,
         _t("Runoja bussipysäkeille", "Dikter på busshållplatserna", "Poems at the bus stops"),
         _t("Tuusulalaisten runoja kymmenelle bussipysäkille kolmella kielellä."),
         "kulttuuri", 800, FEASIBLE, 800, 6),
    Idea("kulttuuri", None,
         _t("Taiteilijakotien yöavoimet", "Konstnärshemmens nattöppet", "Artists' homes open at night"),
         _t("Rantatien taiteilijakodit auki yhtenä elokuun iltana opastettuina."),
         "kulttuuri", 2000, FEASIBLE, 2000, 5),
    Idea("kulttuuri", None,
         _t("Bändikämppä nuorille", "Replokal för unga", "A band room for young people"),
         _t("Soittimet ja äänieristys nuorisotalon kellariin."),
         "nuoret", 2500, FEASIBLE, 2500, 4),
)

MERGED: tuple[tuple[str, Idea], ...] = (
    ("Penkkejä Rantatien varteen",
     Idea("hyryla", None, _t("Lisää istumapaikkoja järvelle", en="More seats on the way to the lake"),
          _t("Järvelle kävellessä ei ole missään paikkaa levätä."), "viihtyisyys", 300, FEASIBLE, None, 2)),
)
"""Proposals that an official merged into a similar one (named by the target's Finnish title)."""
