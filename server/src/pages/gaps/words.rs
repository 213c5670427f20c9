//! The fixed texts of the gap sheet in four languages.

use crate::query::Lang;
use crate::words::in_lang;

/// The fixed texts of the gap sheet in one language.
#[derive(Debug)]
pub struct GapWords {
    pub kind: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub listed: &'static str,
    pub not_listed: &'static str,
    pub unknown: &'static str,
    pub nearest: &'static str,
    pub similar: &'static str,
    pub none_did: &'static str,
    pub none_similar: &'static str,
    pub areas_hint: &'static str,
    pub compare: &'static str,
    pub own: &'static str,
    pub no_own: &'static str,
    pub made: &'static str,
    pub cite: &'static str,
    pub link: &'static str,
}

static EN: GapWords = GapWords {
    kind: "Gap sheet",
    title: "What could {name} do?",
    intro: "What {name} has done of Seebrücke's eight Safe Harbour demands and of the policy areas chosen below; for each gap, the three nearest cities that did it and the three of the closest size in the same country, each with its source.",
    listed: "{name} is listed on Haven.",
    not_listed: "{name} is not listed on Haven yet, so no demand is known as decided.",
    unknown: "Unknown: no source known to Haven says so.",
    nearest: "Nearest that did it",
    similar: "Closest in size, {country}",
    none_did: "No city is recorded as having done this yet.",
    none_similar: "None of similar size recorded.",
    areas_hint: "Policy areas to compare",
    compare: "Compare",
    own: "Practices of {name}",
    no_own: "No practice of {name} is recorded in this area.",
    made: "Made on {date} from Haven's data (version {version}); distances as the crow flies.",
    cite: "Cite as",
    link: "What could {name} do?",
};

static DE: GapWords = GapWords {
    kind: "Lückenblatt",
    title: "Was könnte {name} tun?",
    intro: "Was {name} von den acht Forderungen der Seebrücke an einen Sicheren Hafen und in den unten gewählten Politikfeldern getan hat; zu jeder Lücke die drei nächstgelegenen Städte, die es getan haben, und die drei ähnlich großen im selben Land, jeweils mit Quelle.",
    listed: "{name} ist auf Haven verzeichnet.",
    not_listed: "{name} ist noch nicht auf Haven verzeichnet; keine Forderung ist als beschlossen bekannt.",
    unknown: "Unbekannt: keine Haven bekannte Quelle sagt etwas dazu.",
    nearest: "Nächstgelegene, die es getan haben",
    similar: "Ähnlich groß, {country}",
    none_did: "Noch keine Stadt ist damit erfasst.",
    none_similar: "Keine ähnlich große erfasst.",
    areas_hint: "Politikfelder zum Vergleich",
    compare: "Vergleichen",
    own: "Praktiken von {name}",
    no_own: "Keine Praxis von {name} in diesem Feld erfasst.",
    made: "Erstellt am {date} aus den Daten von Haven (Version {version}); Entfernungen in Luftlinie.",
    cite: "Zitieren als",
    link: "Was könnte {name} tun?",
};

static FR: GapWords = GapWords {
    kind: "Fiche des lacunes",
    title: "Que pourrait faire {name} ?",
    intro: "Ce que {name} a fait des huit revendications de Seebrücke pour un Port sûr et dans les domaines d’action choisis ci-dessous ; pour chaque lacune, les trois villes les plus proches qui l’ont fait et les trois de taille la plus proche dans le même pays, chacune avec sa source.",
    listed: "{name} figure sur Haven.",
    not_listed: "{name} ne figure pas encore sur Haven ; aucune revendication n’est connue comme décidée.",
    unknown: "Inconnu : aucune source connue de Haven ne le dit.",
    nearest: "Les plus proches qui l’ont fait",
    similar: "De taille proche, {country}",
    none_did: "Aucune ville n’est encore enregistrée pour cela.",
    none_similar: "Aucune de taille proche enregistrée.",
    areas_hint: "Domaines d’action à comparer",
    compare: "Comparer",
    own: "Pratiques de {name}",
    no_own: "Aucune pratique de {name} enregistrée dans ce domaine.",
    made: "Établie le {date} à partir des données de Haven (version {version}) ; distances à vol d’oiseau.",
    cite: "Citer ainsi",
    link: "Que pourrait faire {name} ?",
};

static ES: GapWords = GapWords {
    kind: "Hoja de carencias",
    title: "¿Qué podría hacer {name}?",
    intro: "Lo que {name} ha hecho de las ocho reivindicaciones de Seebrücke a un Puerto Seguro y en los ámbitos elegidos abajo; para cada carencia, las tres ciudades más cercanas que lo hicieron y las tres de tamaño más parecido en el mismo país, cada una con su fuente.",
    listed: "{name} figura en Haven.",
    not_listed: "{name} aún no figura en Haven; ninguna reivindicación consta como decidida.",
    unknown: "Desconocido: ninguna fuente conocida por Haven lo dice.",
    nearest: "Las más cercanas que lo hicieron",
    similar: "De tamaño parecido, {country}",
    none_did: "Aún no hay ninguna ciudad registrada con esto.",
    none_similar: "Ninguna de tamaño parecido registrada.",
    areas_hint: "Ámbitos que comparar",
    compare: "Comparar",
    own: "Prácticas de {name}",
    no_own: "No hay prácticas de {name} registradas en este ámbito.",
    made: "Elaborada el {date} con los datos de Haven (versión {version}); distancias en línea recta.",
    cite: "Citar como",
    link: "¿Qué podría hacer {name}?",
};

/// The gap-sheet words of `lang`.
#[must_use]
pub fn gap_words(lang: Lang) -> &'static GapWords {
    in_lang(lang, [&DE, &EN, &FR, &ES])
}
