//! Slugs of new cities and practices (DESIGN.md "Identifiers"): lowercase ASCII, German
//! letters transliterated (ä→ae, ß→ss), other accents dropped, hyphens; suffixed with the
//! district, region or country when taken, then numbered. PostgreSQL's `haven_fold_de` does
//! the transliteration, so slugs match the search keys.

use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::error::AppResult;

#[derive(diesel::QueryableByName)]
struct SlugRow {
    #[diesel(sql_type = Text)]
    slug: String,
}

#[derive(diesel::QueryableByName)]
struct Taken {
    #[diesel(sql_type = Bool)]
    taken: bool,
}

/// The slug form of `text` (may be empty for text without Latin letters or digits).
///
/// # Errors
/// Database errors.
pub async fn slugify(conn: &mut AsyncPgConnection, text: &str) -> AppResult<String> {
    let row: SlugRow = diesel::sql_query(
        "SELECT trim(both '-' FROM left(trim(both '-' FROM regexp_replace(haven_fold_de($1), '[^a-z0-9]+', '-', 'g')), 100)) AS slug",
    )
    .bind::<Text, _>(text)
    .get_result(conn)
    .await?;
    Ok(row.slug)
}

/// A free slug for a city named `name` (`own_id`: the city being renamed, whose old slugs
/// are its own to take back); `suffixes` are tried in order before numbers.
///
/// # Errors
/// Database errors.
pub async fn city_slug(
    conn: &mut AsyncPgConnection,
    name: &str,
    suffixes: &[String],
    own_id: Option<i64>,
) -> AppResult<String> {
    let base = non_empty(slugify(conn, name).await?, "city");
    let mut candidates = vec![base.clone()];
    for suffix in suffixes {
        let suffix = slugify(conn, suffix).await?;
        if !suffix.is_empty() && suffix != base {
            candidates.push(format!("{base}-{suffix}"));
        }
    }
    first_free(conn, &base, candidates, |conn, slug| {
        Box::pin(async move {
            let row: Taken = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM cities WHERE slug = $1 AND id IS DISTINCT FROM $2)
                     OR EXISTS (SELECT 1 FROM city_slug_redirects WHERE slug = $1 AND city_id IS DISTINCT FROM $2) AS taken",
            )
            .bind::<Text, _>(slug)
            .bind::<Nullable<BigInt>, _>(own_id)
            .get_result(conn)
            .await?;
            Ok(row.taken)
        })
    })
    .await
}

/// A free slug for a new practice of the city `city_slug` titled `title`.
///
/// # Errors
/// Database errors.
pub async fn practice_slug(
    conn: &mut AsyncPgConnection,
    city_slug: &str,
    title: &str,
) -> AppResult<String> {
    let title = slugify(conn, title).await?;
    let base = slugify(conn, &format!("{city_slug} {title}")).await?;
    first_free(conn, &base, vec![base.clone()], |conn, slug| {
        Box::pin(async move {
            let row: Taken = diesel::sql_query(
                "SELECT EXISTS (SELECT 1 FROM practices WHERE slug = $1)
                     OR EXISTS (SELECT 1 FROM practice_slug_redirects WHERE slug = $1) AS taken",
            )
            .bind::<Text, _>(slug)
            .get_result(conn)
            .await?;
            Ok(row.taken)
        })
    })
    .await
}

/// Names of the district, region and country of a place or city, for slug suffixes.
///
/// # Errors
/// Database errors.
pub async fn suffixes(
    conn: &mut AsyncPgConnection,
    table: &str,
    id: i64,
) -> AppResult<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct Names {
        #[diesel(sql_type = Array<Nullable<Text>>)]
        names: Vec<Option<String>>,
    }
    let table = if table == "places" {
        "places"
    } else {
        "cities"
    };
    let row: Names = diesel::sql_query(format!(
        "SELECT ARRAY[d.name, r.name, lower(t.country)] AS names FROM {table} t
           LEFT JOIN regions d ON d.id = t.district_id LEFT JOIN regions r ON r.id = t.region_id
          WHERE t.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await?;
    Ok(row.names.into_iter().flatten().collect())
}

fn non_empty(slug: String, fallback: &str) -> String {
    if slug.is_empty() {
        fallback.to_owned()
    } else {
        slug
    }
}

async fn first_free<F>(
    conn: &mut AsyncPgConnection,
    base: &str,
    candidates: Vec<String>,
    taken: F,
) -> AppResult<String>
where
    F: for<'c> Fn(
        &'c mut AsyncPgConnection,
        &'c str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = AppResult<bool>> + Send + 'c>,
    >,
{
    let base = non_empty(base.to_owned(), "practice");
    for candidate in candidates {
        let candidate = non_empty(candidate, &base);
        if !taken(conn, &candidate).await? {
            return Ok(candidate);
        }
    }
    let mut number = 2;
    loop {
        let candidate = format!("{base}-{number}");
        if !taken(conn, &candidate).await? {
            return Ok(candidate);
        }
        number += 1;
    }
}
