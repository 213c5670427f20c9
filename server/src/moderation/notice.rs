//! The mail a city official gets when a moderator decides: a claim verified, rejected or
//! withdrawn, a suggestion published or rejected. Queued in the outbox inside the deciding
//! transaction, in the account's language, only to accounts with a confirmed address (an
//! address typed into an anonymous suggestion was never proved, so it gets nothing).

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::auth::outbox;
use crate::error::AppResult;

/// What was decided, with what the message names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A claim to edit the city `city` was verified.
    ClaimVerified { city: String },
    /// A pending claim was rejected, or a verified one withdrawn, for `reason`.
    ClaimEnded { city: String, reason: String },
    /// The suggestion `reference` was published.
    Published { reference: String },
    /// The suggestion `reference` was rejected for `reason`.
    Rejected { reference: String, reason: String },
}

#[derive(QueryableByName)]
struct ClaimRow {
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Nullable<Text>)]
    preferred_lang: Option<String>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    city: String,
    #[diesel(sql_type = Nullable<Text>)]
    reason: Option<String>,
}

/// Mails the claimant of claim `id` its new status.
///
/// # Errors
/// Database errors.
pub async fn claim(conn: &mut AsyncPgConnection, id: i64, base_url: &str) -> AppResult<()> {
    let rows: Vec<ClaimRow> = diesel::sql_query(
        "SELECT u.email, u.preferred_lang::text AS preferred_lang, e.status,
                coalesce(c.name, p.name, '?') AS city, e.reason
           FROM city_editors e JOIN users u ON u.id = e.user_id
           LEFT JOIN cities c ON c.id = e.city_id LEFT JOIN places p ON p.id = e.place_id
          WHERE e.id = $1 AND u.email_confirmed_at IS NOT NULL",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(());
    };
    let decision = if row.status == "verified" {
        Decision::ClaimVerified { city: row.city }
    } else {
        Decision::ClaimEnded {
            city: row.city,
            reason: row.reason.unwrap_or_default(),
        }
    };
    let link = format!("{base_url}/?view=editor");
    send(
        conn,
        &row.email,
        row.preferred_lang.as_deref(),
        &decision,
        &link,
    )
    .await
}

#[derive(QueryableByName)]
struct SubmissionRow {
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Nullable<Text>)]
    preferred_lang: Option<String>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    reference: String,
    #[diesel(sql_type = Nullable<Text>)]
    reason: Option<String>,
}

/// Mails the account that sent submission `id` its decision.
///
/// # Errors
/// Database errors.
pub async fn submission(conn: &mut AsyncPgConnection, id: i64, base_url: &str) -> AppResult<()> {
    let rows: Vec<SubmissionRow> = diesel::sql_query(
        "SELECT u.email, u.preferred_lang::text AS preferred_lang, s.status, s.reference,
                s.review_reason AS reason
           FROM submissions s JOIN users u ON u.id = s.submitter_id
          WHERE s.id = $1 AND u.email_confirmed_at IS NOT NULL",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
    .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(());
    };
    let decision = if row.status == "rejected" {
        Decision::Rejected {
            reference: row.reference.clone(),
            reason: row.reason.unwrap_or_default(),
        }
    } else {
        Decision::Published {
            reference: row.reference.clone(),
        }
    };
    let link = format!("{base_url}/?view=status&ref={}", row.reference);
    send(
        conn,
        &row.email,
        row.preferred_lang.as_deref(),
        &decision,
        &link,
    )
    .await
}

async fn send(
    conn: &mut AsyncPgConnection,
    to: &str,
    lang: Option<&str>,
    decision: &Decision,
    link: &str,
) -> AppResult<()> {
    let (subject, body) = compose(lang.unwrap_or("en"), decision, link);
    outbox::enqueue(conn, to, &subject, &body).await
}

/// Subject and body of the message about `decision` in `lang` (English for any other).
#[must_use]
pub fn compose(lang: &str, decision: &Decision, link: &str) -> (String, String) {
    let (subject, text) = match (lang, decision) {
        ("de", Decision::ClaimVerified { city }) => (
            format!("Haven: Sie bearbeiten jetzt {city}"),
            format!(
                "Ihr Anspruch, {city} zu bearbeiten, wurde bestätigt. Ihre Änderungen erscheinen ab jetzt sofort:"
            ),
        ),
        ("fr", Decision::ClaimVerified { city }) => (
            format!("Haven : vous modifiez désormais {city}"),
            format!(
                "Votre demande de modifier {city} a été vérifiée. Vos modifications sont désormais publiées tout de suite :"
            ),
        ),
        ("es", Decision::ClaimVerified { city }) => (
            format!("Haven: ahora edita {city}"),
            format!(
                "Su solicitud para editar {city} ha sido verificada. Sus cambios se publican ahora al instante:"
            ),
        ),
        (_, Decision::ClaimVerified { city }) => (
            format!("Haven: you now edit {city}"),
            format!(
                "Your claim to edit {city} was verified. Your changes are now published at once:"
            ),
        ),
        ("de", Decision::ClaimEnded { city, reason }) => (
            format!("Haven: Ihr Anspruch auf {city}"),
            format!(
                "Ihr Anspruch, {city} zu bearbeiten, wurde nicht bestätigt oder beendet. Begründung: {reason}\n\nIhre Ansprüche:"
            ),
        ),
        ("fr", Decision::ClaimEnded { city, reason }) => (
            format!("Haven : votre demande pour {city}"),
            format!(
                "Votre demande de modifier {city} n'a pas été vérifiée ou a pris fin. Motif : {reason}\n\nVos demandes :"
            ),
        ),
        ("es", Decision::ClaimEnded { city, reason }) => (
            format!("Haven: su solicitud para {city}"),
            format!(
                "Su solicitud para editar {city} no fue verificada o ha terminado. Motivo: {reason}\n\nSus solicitudes:"
            ),
        ),
        (_, Decision::ClaimEnded { city, reason }) => (
            format!("Haven: your claim to {city}"),
            format!(
                "Your claim to edit {city} was not verified or has ended. Reason: {reason}\n\nYour claims:"
            ),
        ),
        ("de", Decision::Published { reference }) => (
            format!("Haven: Ihr Vorschlag {reference} ist veröffentlicht"),
            format!("Ihr Vorschlag {reference} wurde geprüft und veröffentlicht. Danke!"),
        ),
        ("fr", Decision::Published { reference }) => (
            format!("Haven : votre proposition {reference} est publiée"),
            format!("Votre proposition {reference} a été vérifiée et publiée. Merci !"),
        ),
        ("es", Decision::Published { reference }) => (
            format!("Haven: su propuesta {reference} está publicada"),
            format!("Su propuesta {reference} ha sido revisada y publicada. ¡Gracias!"),
        ),
        (_, Decision::Published { reference }) => (
            format!("Haven: your suggestion {reference} is published"),
            format!("Your suggestion {reference} was reviewed and published. Thank you!"),
        ),
        ("de", Decision::Rejected { reference, reason }) => (
            format!("Haven: Ihr Vorschlag {reference} wurde nicht veröffentlicht"),
            format!(
                "Ihr Vorschlag {reference} wurde geprüft und nicht veröffentlicht. Begründung: {reason}"
            ),
        ),
        ("fr", Decision::Rejected { reference, reason }) => (
            format!("Haven : votre proposition {reference} n'a pas été publiée"),
            format!(
                "Votre proposition {reference} a été examinée et n'a pas été publiée. Motif : {reason}"
            ),
        ),
        ("es", Decision::Rejected { reference, reason }) => (
            format!("Haven: su propuesta {reference} no se ha publicado"),
            format!(
                "Su propuesta {reference} ha sido revisada y no se ha publicado. Motivo: {reason}"
            ),
        ),
        (_, Decision::Rejected { reference, reason }) => (
            format!("Haven: your suggestion {reference} was not published"),
            format!("Your suggestion {reference} was reviewed and not published. Reason: {reason}"),
        ),
    };
    (subject, format!("{text}\n\n{link}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_the_decision_and_links_it() {
        let decisions = [
            Decision::ClaimVerified {
                city: "Hünxe".to_owned(),
            },
            Decision::ClaimEnded {
                city: "Hünxe".to_owned(),
                reason: "no evidence".to_owned(),
            },
            Decision::Published {
                reference: "ABCD-2345".to_owned(),
            },
            Decision::Rejected {
                reference: "ABCD-2345".to_owned(),
                reason: "no source".to_owned(),
            },
        ];
        for lang in ["de", "en", "fr", "es"] {
            let mut subjects = std::collections::BTreeSet::new();
            for decision in &decisions {
                let (subject, body) = compose(lang, decision, "http://haven.example/x");
                assert!(
                    subject.contains("Hünxe") || subject.contains("ABCD-2345"),
                    "{subject}"
                );
                assert!(body.ends_with("http://haven.example/x\n"), "{body}");
                if let Decision::ClaimEnded { reason, .. } | Decision::Rejected { reason, .. } =
                    decision
                {
                    assert!(body.contains(reason.as_str()), "{body}");
                }
                subjects.insert(subject);
            }
            assert_eq!(
                subjects.len(),
                decisions.len(),
                "{lang}: one subject per decision"
            );
        }
        assert_ne!(
            compose("de", &decisions[0], "l"),
            compose("en", &decisions[0], "l")
        );
    }
}
