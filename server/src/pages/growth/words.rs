//! The fixed texts of the growth page in four languages.

use crate::query::Lang;
use crate::words::in_lang;

/// The fixed texts of the growth page in one language.
#[derive(Debug)]
pub struct GrowthWords {
    pub title: &'static str,
    pub intro: &'static str,
    pub declarations: &'static str,
    pub memberships: &'static str,
    pub year: &'static str,
    pub month: &'static str,
    pub new: &'static str,
    pub total: &'static str,
    pub undated: &'static str,
    pub year_only: &'static str,
    pub current: &'static str,
    pub by_country: &'static str,
    pub by_region: &'static str,
    pub all_networks: &'static str,
    pub all_countries: &'static str,
    pub step: &'static str,
    pub show: &'static str,
    pub chart_title: &'static str,
    pub chart_desc: &'static str,
    pub table_caption: &'static str,
    pub nothing: &'static str,
    pub link: &'static str,
}

static EN: GrowthWords = GrowthWords {
    title: "Growth over time",
    intro: "How many municipalities declared themselves Safe Harbours, and how many memberships of city networks began, over time. Only dated entries make the curve; those without a date are counted apart.",
    declarations: "Safe Harbour declarations",
    memberships: "Network memberships",
    year: "Year",
    month: "Month",
    new: "new",
    total: "total",
    undated: "Without a date, and so not in the curve: {declarations} declarations and {memberships} memberships.",
    year_only: "Dated only by their year and counted in December: {declarations} declarations and {memberships} memberships.",
    current: "Today: {declarations} Safe Harbour declarations and {memberships} network memberships.",
    by_country: "By country",
    by_region: "By state or region",
    all_networks: "All networks",
    all_countries: "All countries",
    step: "Step",
    show: "Show",
    chart_title: "Safe Harbour declarations and network memberships in total, {from} to {to}",
    chart_desc: "Two rising lines, one for declarations and one for memberships; the table beside the chart gives every number.",
    table_caption: "The numbers of the chart, per period: new and in total.",
    nothing: "Nothing dated matches this choice.",
    link: "Growth over time",
};

static DE: GrowthWords = GrowthWords {
    title: "Entwicklung über die Zeit",
    intro: "Wie viele Kommunen sich zum Sicheren Hafen erklärt haben und wie viele Mitgliedschaften in Städtenetzwerken begonnen haben, über die Zeit. Nur datierte Einträge bilden die Kurve; solche ohne Datum werden gesondert gezählt.",
    declarations: "Erklärungen zum Sicheren Hafen",
    memberships: "Mitgliedschaften in Netzwerken",
    year: "Jahr",
    month: "Monat",
    new: "neu",
    total: "insgesamt",
    undated: "Ohne Datum und daher nicht in der Kurve: {declarations} Erklärungen und {memberships} Mitgliedschaften.",
    year_only: "Nur mit Jahr datiert und im Dezember gezählt: {declarations} Erklärungen und {memberships} Mitgliedschaften.",
    current: "Heute: {declarations} Erklärungen zum Sicheren Hafen und {memberships} Mitgliedschaften in Netzwerken.",
    by_country: "Nach Land",
    by_region: "Nach Bundesland oder Region",
    all_networks: "Alle Netzwerke",
    all_countries: "Alle Länder",
    step: "Schritt",
    show: "Anzeigen",
    chart_title: "Erklärungen zum Sicheren Hafen und Mitgliedschaften in Netzwerken insgesamt, {from} bis {to}",
    chart_desc: "Zwei steigende Linien, eine für Erklärungen, eine für Mitgliedschaften; die Tabelle neben dem Diagramm nennt jede Zahl.",
    table_caption: "Die Zahlen des Diagramms je Zeitraum: neu und insgesamt.",
    nothing: "Zu dieser Auswahl gibt es nichts Datiertes.",
    link: "Entwicklung über die Zeit",
};

static FR: GrowthWords = GrowthWords {
    title: "Évolution dans le temps",
    intro: "Combien de communes se sont déclarées Ports sûrs, et combien d’adhésions à des réseaux de villes ont commencé, au fil du temps. Seules les entrées datées forment la courbe ; celles sans date sont comptées à part.",
    declarations: "Déclarations de Port sûr",
    memberships: "Adhésions à des réseaux",
    year: "Année",
    month: "Mois",
    new: "nouvelles",
    total: "total",
    undated: "Sans date, donc hors de la courbe : {declarations} déclarations et {memberships} adhésions.",
    year_only: "Datées seulement par l’année et comptées en décembre : {declarations} déclarations et {memberships} adhésions.",
    current: "Aujourd’hui : {declarations} déclarations de Port sûr et {memberships} adhésions à des réseaux.",
    by_country: "Par pays",
    by_region: "Par Land ou région",
    all_networks: "Tous les réseaux",
    all_countries: "Tous les pays",
    step: "Pas",
    show: "Afficher",
    chart_title: "Déclarations de Port sûr et adhésions à des réseaux au total, de {from} à {to}",
    chart_desc: "Deux lignes montantes, l’une pour les déclarations, l’autre pour les adhésions ; le tableau à côté du graphique donne chaque nombre.",
    table_caption: "Les nombres du graphique par période : nouvelles et total.",
    nothing: "Rien de daté ne correspond à ce choix.",
    link: "Évolution dans le temps",
};

static ES: GrowthWords = GrowthWords {
    title: "Evolución en el tiempo",
    intro: "Cuántos municipios se declararon Puertos Seguros y cuántas adhesiones a redes de ciudades comenzaron, a lo largo del tiempo. Solo las entradas con fecha forman la curva; las que no tienen fecha se cuentan aparte.",
    declarations: "Declaraciones de Puerto Seguro",
    memberships: "Adhesiones a redes",
    year: "Año",
    month: "Mes",
    new: "nuevas",
    total: "total",
    undated: "Sin fecha y por tanto fuera de la curva: {declarations} declaraciones y {memberships} adhesiones.",
    year_only: "Con fecha solo del año y contadas en diciembre: {declarations} declaraciones y {memberships} adhesiones.",
    current: "Hoy: {declarations} declaraciones de Puerto Seguro y {memberships} adhesiones a redes.",
    by_country: "Por país",
    by_region: "Por estado federado o región",
    all_networks: "Todas las redes",
    all_countries: "Todos los países",
    step: "Paso",
    show: "Mostrar",
    chart_title: "Declaraciones de Puerto Seguro y adhesiones a redes en total, de {from} a {to}",
    chart_desc: "Dos líneas ascendentes, una para las declaraciones y otra para las adhesiones; la tabla junto al gráfico da cada número.",
    table_caption: "Los números del gráfico por periodo: nuevas y total.",
    nothing: "No hay nada con fecha para esta selección.",
    link: "Evolución en el tiempo",
};

/// The growth-page words of `lang`.
#[must_use]
pub fn growth_words(lang: Lang) -> &'static GrowthWords {
    in_lang(lang, [&DE, &EN, &FR, &ES])
}
