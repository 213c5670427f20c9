//! The bundled dataset (`data/`): which file is loaded by which loader, in dependency order.

use super::{
    Unit, abroad, catalogue, demand_statuses, directory, gazetteer, profiles, take_action, unit,
};

/// The loaders of the bundled dataset, in the order they must run.
#[must_use]
pub fn units() -> Vec<Unit> {
    vec![
        unit!(
            "geonames_countries.csv",
            gazetteer::countries::load_countries
        ),
        unit!(
            "de_states_vg5000_2021.geojson",
            gazetteer::regions::load_states
        ),
        unit!(
            "de_districts_vg5000_2021.csv",
            gazetteer::regions::load_districts
        ),
        unit!("geonames_admin1.csv", gazetteer::regions::load_admin1),
        unit!(
            "de_municipalities_vg5000_2021.csv",
            gazetteer::places::load_municipalities
        ),
        unit!(
            "geonames_cities_europe_pop500.csv",
            gazetteer::places::load_geonames_europe
        ),
        unit!(
            "geonames_cities_nonEurope_pop15000.csv",
            gazetteer::places::load_geonames_world
        ),
        unit!("places_added.csv", gazetteer::places::load_added_places),
        unit!("policy_areas.csv", catalogue::load_policy_areas),
        unit!("safe_harbour_demands.csv", catalogue::load_demands),
        unit!("networks.csv", catalogue::load_networks),
        unit!(
            "safe_harbours_de.csv",
            directory::safe_harbours::load_safe_harbours
        ),
        unit!("safe_harbours_at_ch.csv", abroad::load_safe_harbours_abroad),
        unit!(
            "safe_harbour_states_de.csv",
            directory::safe_harbours::load_states
        ),
        unit!(
            "network_memberships.csv",
            directory::memberships::load_memberships
        ),
        unit!("practices.csv", directory::practices::load_practices),
        unit!(
            "safe_harbour_demand_status.csv",
            demand_statuses::load_demand_statuses
        ),
        unit!("city_summaries.csv", profiles::load_city_summaries),
        unit!("take_action.csv", take_action::load_take_action),
    ]
}
