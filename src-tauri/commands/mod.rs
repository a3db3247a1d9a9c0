//! The commands the UI invokes, by area. Each parses its arguments (serde does), calls one core
//! function through [`crate::AppState::with`], and returns the core's answer or its mapped error.

pub mod alerts;
pub mod app;
pub mod backup;
pub mod barcode;
pub mod catalog;
pub mod counts;
pub mod dashboard;
pub mod history;
pub mod import;
pub mod kits;
pub mod numbers;
pub mod purchasing;
pub mod sales;
pub mod spreadsheet;
pub mod stock;
pub mod sync;
pub mod users;
