//! Free slugs for new and renamed cities and practices: the slug of the name
//! ([`Slug::from_name`], the one rule import uses too), suffixed with the district, region or
//! country when taken, then numbered.

use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::Slug;
use crate::error::AppResult;

#[derive(diesel::QueryableByName)]
struct Taken {
    #[diesel(sql_type = Bool)]
    taken: bool,
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
    let base = Slug::from_name_or(name, "city");
    let mut candidates = vec![base.clone()];
    for suffix in suffixes {
        if let Some(suffix) = Slug::from_name(suffix)
            && suffix != base
        {
            candidates.push(base.with_suffix(&suffix));
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
    let base = Slug::from_name_or(&format!("{city_slug} {title}"), "practice");
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

/// What slug suffixes are wanted for.
#[derive(Debug, Clone, Copy)]
pub enum SuffixesOf {
    /// A gazetteer place becoming a city.
    Place(i64),
    /// A city being renamed.
    City(i64),
}

/// Names of the district, region and country of a place or city, for slug suffixes.
///
/// # Errors
/// Database errors.
pub async fn suffixes(conn: &mut AsyncPgConnection, of: SuffixesOf) -> AppResult<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct Names {
        #[diesel(sql_type = Array<Nullable<Text>>)]
        names: Vec<Option<String>>,
    }
    let (table, id) = match of {
        SuffixesOf::Place(id) => ("places", id),
        SuffixesOf::City(id) => ("cities", id),
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

async fn first_free<F>(
    conn: &mut AsyncPgConnection,
    base: &Slug,
    candidates: Vec<Slug>,
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
    for candidate in candidates {
        if !taken(conn, &candidate).await? {
            return Ok(candidate.into_string());
        }
    }
    let mut number = 2_u32;
    loop {
        let candidate = base.with_suffix(&number.to_string());
        if !taken(conn, &candidate).await? {
            return Ok(candidate.into_string());
        }
        number += 1;
    }
}
