//! The fixed texts of the take-action pages in four languages.

use crate::query::Lang;
use crate::words::in_lang;

/// The fixed texts of the take-action pages in one language.
#[derive(Debug)]
pub struct GuideWords {
    pub kind: &'static str,
    pub index_title: &'static str,
    pub index_intro: &'static str,
    pub demands_heading: &'static str,
    pub areas_heading: &'static str,
    pub subject_demand: &'static str,
    pub subject_area: &'static str,
    pub who_decides: &'static str,
    pub motion: &'static str,
    pub costs: &'static str,
    pub objections: &'static str,
    pub next_steps: &'static str,
    pub cities_heading: &'static str,
    pub practices_heading: &'static str,
    pub live_note: &'static str,
    pub none_yet: &'static str,
    pub link: &'static str,
}

static EN: GuideWords = GuideWords {
    kind: "Take action",
    index_title: "Take action: ask your council",
    index_intro: "For each of Seebrücke's eight demands and each policy area: who decides in a municipality, what a council motion typically asks for, what it costs, what opponents say and how to answer, and the cities that have already done it.",
    demands_heading: "Seebrücke's Safe Harbour demands",
    areas_heading: "Policy areas",
    subject_demand: "Safe Harbour demand: {subject}",
    subject_area: "Policy area: {subject}",
    who_decides: "Who decides",
    motion: "What a council motion asks for",
    costs: "What it costs",
    objections: "What opponents say",
    next_steps: "Next steps",
    cities_heading: "Cities that decided or fulfilled it ({count})",
    practices_heading: "Cities that do it: practices to point to ({count})",
    live_note: "This list is read from Haven's data as it stands today, each entry with its source.",
    none_yet: "No city is recorded yet.",
    link: "How to ask your council for this",
};

static DE: GuideWords = GuideWords {
    kind: "Aktiv werden",
    index_title: "Aktiv werden: den eigenen Rat fragen",
    index_intro: "Zu jeder der acht Forderungen der Seebrücke und zu jedem Politikfeld: wer in einer Kommune entscheidet, was ein Ratsantrag üblicherweise verlangt, was es kostet, was Gegner sagen und was man antworten kann, und welche Städte es schon getan haben.",
    demands_heading: "Die Forderungen der Seebrücke an einen Sicheren Hafen",
    areas_heading: "Politikfelder",
    subject_demand: "Forderung an einen Sicheren Hafen: {subject}",
    subject_area: "Politikfeld: {subject}",
    who_decides: "Wer entscheidet",
    motion: "Was ein Ratsantrag verlangt",
    costs: "Was es kostet",
    objections: "Was Gegner sagen",
    next_steps: "Nächste Schritte",
    cities_heading: "Städte, die es beschlossen oder umgesetzt haben ({count})",
    practices_heading: "Städte, die es tun: Praktiken als Beispiel ({count})",
    live_note: "Diese Liste liest Haven aus seinen Daten, wie sie heute sind, jeder Eintrag mit seiner Quelle.",
    none_yet: "Noch keine Stadt erfasst.",
    link: "So fragen Sie Ihren Rat danach",
};

static FR: GuideWords = GuideWords {
    kind: "Passer à l’action",
    index_title: "Passer à l’action : interpeller son conseil municipal",
    index_intro: "Pour chacune des huit revendications de Seebrücke et chaque domaine d’action : qui décide dans une commune, ce que demande habituellement une motion au conseil, ce que cela coûte, ce que disent les opposants et comment leur répondre, et les villes qui l’ont déjà fait.",
    demands_heading: "Les revendications de Seebrücke pour un Port sûr",
    areas_heading: "Domaines d’action",
    subject_demand: "Revendication pour un Port sûr : {subject}",
    subject_area: "Domaine d’action : {subject}",
    who_decides: "Qui décide",
    motion: "Ce que demande une motion",
    costs: "Ce que cela coûte",
    objections: "Ce que disent les opposants",
    next_steps: "Prochaines étapes",
    cities_heading: "Villes qui l’ont décidé ou mis en œuvre ({count})",
    practices_heading: "Villes qui le font : pratiques à citer ({count})",
    live_note: "Cette liste est lue dans les données de Haven telles qu’elles sont aujourd’hui, chaque entrée avec sa source.",
    none_yet: "Aucune ville enregistrée pour l’instant.",
    link: "Comment le demander à votre conseil municipal",
};

static ES: GuideWords = GuideWords {
    kind: "Pasar a la acción",
    index_title: "Pasar a la acción: pedírselo a tu ayuntamiento",
    index_intro: "Para cada una de las ocho reivindicaciones de Seebrücke y cada ámbito de actuación: quién decide en un municipio, qué pide normalmente una moción en el pleno, cuánto cuesta, qué dicen los opositores y cómo responder, y las ciudades que ya lo han hecho.",
    demands_heading: "Las reivindicaciones de Seebrücke a un Puerto Seguro",
    areas_heading: "Ámbitos de actuación",
    subject_demand: "Reivindicación a un Puerto Seguro: {subject}",
    subject_area: "Ámbito de actuación: {subject}",
    who_decides: "Quién decide",
    motion: "Qué pide una moción",
    costs: "Cuánto cuesta",
    objections: "Qué dicen los opositores",
    next_steps: "Próximos pasos",
    cities_heading: "Ciudades que lo han decidido o cumplido ({count})",
    practices_heading: "Ciudades que lo hacen: prácticas que citar ({count})",
    live_note: "Esta lista se lee de los datos de Haven tal como están hoy, cada entrada con su fuente.",
    none_yet: "Aún no hay ninguna ciudad registrada.",
    link: "Cómo pedírselo a tu ayuntamiento",
};

/// The take-action words of `lang`.
#[must_use]
pub fn guide_words(lang: Lang) -> &'static GuideWords {
    in_lang(lang, [&DE, &EN, &FR, &ES])
}
