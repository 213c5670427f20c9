//! Database refusals of a write, mapped to answers: a unique violation is a 409, a broken
//! check, not-null or foreign key a 422, each naming the request field through
//! [`CONSTRAINTS`], the one table that names every constraint of the schema (the test
//! `every_constraint_names_its_field` keeps it complete). Every diesel error becomes an
//! [`AppError`] through this mapping, so no write needs to remember it.

use diesel::result::{DatabaseErrorKind, Error};

use crate::error::AppError;

/// Every constraint of the schema (table constraints, domain checks and unique indexes) and
/// the request field it guards: a column's own name, or the name the API gives it (`city` for
/// `city_id`, `url` for the `web_url` domain, `lat` for a point).
pub const CONSTRAINTS: &[(&str, &str)] = &[
    ("cities_ags_check", "ags"),
    ("cities_ags_key", "ags"),
    ("cities_ars_check", "ars"),
    ("cities_ars_key", "ars"),
    ("cities_country_fkey", "country"),
    ("cities_district_id_fkey", "district_id"),
    ("cities_geom_check", "lat"),
    ("cities_geonameid_key", "geonameid"),
    ("cities_kind_check", "kind"),
    ("cities_lau_key", "lau"),
    ("cities_name_check", "name"),
    ("cities_names_check", "names"),
    ("cities_pkey", "id"),
    ("cities_place_id_fkey", "place_id"),
    ("cities_population_check", "population"),
    ("cities_region_id_fkey", "region_id"),
    ("cities_slug_key", "slug"),
    ("cities_summary_check", "summary"),
    ("cities_takeaways_check", "takeaways"),
    ("cities_wikidata_check", "wikidata"),
    ("cities_wikidata_key", "wikidata"),
    ("city_editors_check", "city"),
    ("city_editors_city_id_fkey", "city"),
    ("city_editors_decided_by_fkey", "decided_by"),
    ("city_editors_evidence_check", "evidence"),
    ("city_editors_pkey", "id"),
    ("city_editors_place_id_fkey", "place_id"),
    ("city_editors_role_title_check", "role_title"),
    ("city_editors_status_check", "status"),
    ("city_editors_user_city_key", "city"),
    ("city_editors_user_id_fkey", "user"),
    ("city_editors_user_place_key", "place_id"),
    ("city_slug_redirects_city_id_fkey", "city"),
    ("city_slug_redirects_pkey", "slug"),
    ("city_stats_city_id_fkey", "city"),
    ("city_stats_feature_check", "feature"),
    ("city_stats_pkey", "city"),
    ("countries_continent_check", "continent"),
    ("countries_geonameid_key", "geonameid"),
    ("countries_iso2_check", "country"),
    ("countries_iso3_check", "iso3"),
    ("countries_iso3_key", "iso3"),
    ("countries_name_check", "name"),
    ("countries_names_check", "names"),
    ("countries_pkey", "country"),
    ("countries_population_check", "population"),
    ("data_version_pkey", "singleton"),
    ("data_version_singleton_check", "singleton"),
    ("demands_descriptions_check", "descriptions"),
    ("demands_key_check", "key"),
    ("demands_labels_check", "labels"),
    ("demands_pkey", "key"),
    ("demands_position_check", "position"),
    ("demands_position_key", "position"),
    ("lang_check", "lang"),
    ("memberships_check", "until"),
    ("memberships_check1", "until"),
    ("memberships_city_id_fkey", "city"),
    ("memberships_city_id_network_id_key", "network"),
    ("memberships_network_id_fkey", "network"),
    ("memberships_pkey", "id"),
    ("memberships_status_check", "status"),
    ("networks_description_check", "description"),
    ("networks_kind_check", "kind"),
    ("networks_name_check", "name"),
    (
        "networks_one_safe_harbour_campaign",
        "is_safe_harbour_campaign",
    ),
    ("networks_pkey", "id"),
    ("networks_slug_key", "slug"),
    ("outbox_attempts_check", "attempts"),
    ("outbox_pkey", "id"),
    ("partial_date_check", "date"),
    ("place_names_pkey", "name"),
    ("place_names_place_id_fkey", "place_id"),
    ("places_ags_check", "ags"),
    ("places_ags_key", "ags"),
    ("places_ars_check", "ars"),
    ("places_ars_key", "ars"),
    ("places_check", "ags"),
    ("places_check1", "geonameid"),
    ("places_country_fkey", "country"),
    ("places_district_id_fkey", "district_id"),
    ("places_geonameid_key", "geonameid"),
    ("places_name_check", "name"),
    ("places_pkey", "id"),
    ("places_population_check", "population"),
    ("places_region_id_fkey", "region_id"),
    ("places_source_check", "source"),
    ("policy_areas_descriptions_check", "descriptions"),
    ("policy_areas_labels_check", "labels"),
    ("policy_areas_pkey", "slug"),
    ("policy_areas_position_check", "position"),
    ("policy_areas_position_key", "position"),
    ("practice_policy_areas_pkey", "policy_areas"),
    ("practice_policy_areas_policy_area_fkey", "policy_areas"),
    ("practice_policy_areas_practice_id_fkey", "practice"),
    ("practice_slug_redirects_pkey", "slug"),
    ("practice_slug_redirects_practice_id_fkey", "practice"),
    ("practice_sources_pkey", "id"),
    ("practice_sources_position_check", "position"),
    ("practice_sources_practice_id_fkey", "practice"),
    ("practice_sources_practice_id_position_key", "position"),
    ("practices_body_check", "body"),
    ("practices_check", "title"),
    ("practices_check1", "ended"),
    ("practices_city_id_fkey", "city"),
    ("practices_confidence_check", "confidence"),
    ("practices_ended_check", "ended"),
    ("practices_geom_check", "lat"),
    ("practices_pkey", "id"),
    ("practices_slug_key", "slug"),
    ("practices_started_check", "started"),
    ("practices_status_check", "status"),
    ("practices_summary_check", "summary"),
    ("practices_transferability_check", "transferability"),
    ("rate_limits_hits_check", "hits"),
    ("rate_limits_pkey", "email"),
    ("regions_code_check", "code"),
    ("regions_country_fkey", "country"),
    ("regions_country_level_code_key", "code"),
    ("regions_level_check", "level"),
    ("regions_name_check", "name"),
    ("regions_parent_id_fkey", "parent_id"),
    ("regions_pkey", "id"),
    ("revisions_action_check", "action"),
    ("revisions_author_id_fkey", "author_id"),
    ("revisions_check", "after"),
    ("revisions_entity_type_check", "entity_type"),
    ("revisions_pkey", "id"),
    ("revisions_reverts_id_fkey", "reverts_id"),
    ("revisions_submission_id_fkey", "submission_id"),
    ("safe_harbour_demands_city_id_fkey", "city"),
    ("safe_harbour_demands_demand_key_fkey", "demand"),
    ("safe_harbour_demands_pkey", "demand"),
    ("sessions_csrf_token_check", "csrf_token"),
    ("sessions_id_check", "id"),
    ("sessions_pkey", "id"),
    ("sessions_user_id_fkey", "user"),
    ("slug_check", "slug"),
    ("submissions_kind_check", "kind"),
    ("submissions_message_check", "message"),
    ("submissions_payload_check", "payload"),
    ("submissions_pkey", "id"),
    ("submissions_reference_check", "reference"),
    ("submissions_reference_key", "reference"),
    ("submissions_reviewed_by_fkey", "reviewed_by"),
    ("submissions_source_urls_check", "source_urls"),
    ("submissions_status_check", "status"),
    ("submissions_submitter_id_fkey", "submitter"),
    ("submissions_target_type_check", "target_type"),
    ("tile_cells_n_check", "n"),
    ("tile_cells_pkey", "gy"),
    ("tile_cells_z_check", "z"),
    ("tile_points_pkey", "practice"),
    ("user_tokens_pkey", "token"),
    ("user_tokens_purpose_check", "purpose"),
    ("user_tokens_token_hash_check", "token"),
    ("user_tokens_user_id_fkey", "user"),
    ("users_display_name_check", "display_name"),
    ("users_email_check", "email"),
    ("users_email_key", "email"),
    ("users_password_hash_check", "password_hash"),
    ("users_pkey", "id"),
    ("users_role_check", "role"),
    ("web_url_check", "url"),
];

/// The request field a constraint guards.
#[must_use]
pub fn field_of(constraint: &str) -> Option<&'static str> {
    CONSTRAINTS
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, field)| *field)
}

/// Maps a database refusal of a write to 409 (already exists) or 422 (a rule of the schema),
/// naming the field; anything else stays internal.
pub fn refusal(error: Error) -> AppError {
    match error {
        Error::DatabaseError(kind, info) => {
            let constraint = info.constraint_name().unwrap_or("");
            let field = info
                .column_name()
                .map(str::to_owned)
                .or_else(|| field_of(constraint).map(str::to_owned));
            match kind {
                DatabaseErrorKind::UniqueViolation => AppError::Conflict {
                    field,
                    detail: "This already exists.".to_owned(),
                },
                DatabaseErrorKind::CheckViolation
                | DatabaseErrorKind::NotNullViolation
                | DatabaseErrorKind::ForeignKeyViolation => AppError::Unprocessable {
                    field,
                    detail: format!("The value breaks a rule of the data model ({constraint})."),
                },
                _ => AppError::Internal(anyhow::anyhow!("{}", info.message())),
            }
        }
        other => AppError::Internal(other.into()),
    }
}
