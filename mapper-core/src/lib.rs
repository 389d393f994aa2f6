//! hookmap's engine: applies Port webhook mappings to webhook requests exactly as Port does,
//! and says precisely why when it can't.
//!
//! ```
//! use mapper_core::{Mapper, MapperOptions};
//! let config = r#"[{"blueprint": "stack", "entity": {"identifier": ".body.id", "properties": {"state": ".body.state"}}}]"#;
//! let mapper = Mapper::from_json(config, MapperOptions::default()).unwrap();
//! let result = mapper.map_json(br#"{"body": {"id": "ai-agent", "state": "FINISHED"}}"#).unwrap();
//! assert_eq!(result.entities[0].identifier(), "ai-agent");
//! ```

#![warn(missing_docs)]

pub mod answer;
pub mod backtest;
mod blueprint;
mod clock;
pub mod complete;
pub mod config;
pub mod diagnostic;
pub mod diff;
mod entity;
mod error;
pub mod expression;
mod fast_path;
mod identifier;
pub mod jq;
pub mod location;
mod mapper;
pub mod path;
mod request;
pub mod scaffold;
pub mod search;
pub mod signature;
pub mod value;

pub use blueprint::Blueprint;
pub use config::WebhookConfig;
pub use diagnostic::{Code, Diagnostic, Document, Location, Severity};
pub use entity::{CreateEntity, DeleteEntity, Entity, FieldOutcome, FieldTrace, MapResult};
pub use error::Error;
pub use mapper::{interrupted_field, Clock, FixedClock, Mapper, MapperOptions, SystemClock, MAX_ITEMS};
pub use request::demand::RequestReads;
pub use request::Request;
#[cfg(test)]
mod ts_types;
