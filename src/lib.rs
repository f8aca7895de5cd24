//! kubectl-ecrcreds: keeps Kubernetes image pull Secrets filled with fresh AWS
//! ECR tokens. The plugin's `refresh` and the [`controller`] drive the same
//! [`reconcile`] module; every Kubernetes call is in [`kube_api`], tokens come
//! from [`ecr`], and [`cli`] is the command line.
// No unsafe code but one call into the C allocator (controller::heap).
#![deny(unsafe_code)]

pub mod cli;
pub mod controller;
pub mod crd;
pub mod diagnose;
pub mod ecr;
pub mod error;
pub mod kube_api;
pub mod metrics;
pub mod output;
pub mod reconcile;
pub mod verify;

pub use error::{Error, Result};
