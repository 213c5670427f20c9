//! The chart of the growth page: an SVG drawing with its axes.

use crate::model::growth::{self, GrowthDoc};
use crate::pages::number;
use crate::query::Lang;

/// Width and height of the chart's drawing, in SVG units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
/// Room for the axis labels: left, bottom, top, right.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 10.0;
const RIGHT: f64 = 10.0;

/// A label on an axis.
#[derive(Debug)]
pub struct Tick {
    pub x: f64,
    pub y: f64,
    pub label: String,
    /// `start`, `middle` or `end`: the first and last labels stay inside the drawing.
    pub anchor: &'static str,
}

/// The chart, drawn: two polylines and their axes.
#[derive(Debug)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub declarations: String,
    pub memberships: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub baseline: f64,
    pub left: f64,
    pub right: f64,
}

impl Chart {
    pub(super) fn draw(doc: &GrowthDoc, lang: Lang) -> Option<Self> {
        let count = doc.series.len();
        if count == 0 {
            return None;
        }
        let max = doc
            .series
            .iter()
            .map(|p| p.declarations_total.max(p.memberships_total))
            .max()
            .unwrap_or(0)
            .max(1);
        let top = nice_ceiling(max);
        let span = (count.max(2) - 1) as f64;
        let x = |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / span;
        let y = |v: i64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
        let line = |value: fn(&growth::GrowthPoint) -> i64| {
            doc.series
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let every = (count / 8).max(1);
        let x_ticks = doc
            .series
            .iter()
            .enumerate()
            .filter(|(i, _)| i % every == 0 || *i == count - 1)
            .map(|(i, p)| Tick {
                x: x(i),
                y: HEIGHT - 6.0,
                label: p.period.clone(),
                anchor: if i == 0 {
                    "start"
                } else if i == count - 1 {
                    "end"
                } else {
                    "middle"
                },
            })
            .collect();
        let y_ticks = [0, top / 2, top]
            .into_iter()
            .map(|v| Tick {
                x: LEFT - 6.0,
                y: y(v) + 4.0,
                label: number(v, lang),
                anchor: "end",
            })
            .collect();
        Some(Self {
            width: WIDTH,
            height: HEIGHT,
            declarations: line(|p| p.declarations_total),
            memberships: line(|p| p.memberships_total),
            x_ticks,
            y_ticks,
            baseline: y(0),
            left: LEFT,
            right: WIDTH - RIGHT,
        })
    }
}

/// The smallest of 1, 2 or 5 times a power of ten that is at least `n` (the top of the axis).
fn nice_ceiling(n: i64) -> i64 {
    let mut power = 1;
    loop {
        for step in [1, 2, 5] {
            if step * power >= n {
                return step * power;
            }
        }
        power *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_at_a_round_number() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(150), 200);
        assert_eq!(nice_ceiling(203), 500);
        assert_eq!(nice_ceiling(1000), 1000);
    }
}
