//! ECR registry hosts. One table, [`PARTITIONS`], says which host names are ECR
//! registries; the parser ([`Registry::parse`]) and the CRD's schema pattern
//! ([`schema_pattern`]) are both made from it, so what the API server admits is
//! exactly what the controller can use.
//!
//! A private registry is `<account>.dkr.ecr[-fips].<region>.<suffix>` (IPv4)
//! or `<account>.dkr-ecr[-fips].<region>.<dual-stack suffix>` (dual-stack),
//! the forms the kubelet's ecr-credential-provider accepts; ECR Public is
//! `public.ecr.aws`, whose tokens come from us-east-1.

use std::fmt;

/// An AWS partition's ECR host suffixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The partition's name, as in ARNs (`aws`, `aws-cn`, …).
    pub name: &'static str,
    /// How its region names start (`cn-`); empty for the `aws` partition,
    /// which takes every region the others do not (GovCloud included).
    pub region_prefix: &'static str,
    /// The suffix of its IPv4 hosts (`dkr.ecr`).
    pub suffix: &'static str,
    /// The suffix of its dual-stack hosts (`dkr-ecr`), where ECR has them.
    pub dual_stack_suffix: Option<&'static str>,
}

/// Every partition ECR runs in.
pub const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        region_prefix: "",
        suffix: "amazonaws.com",
        dual_stack_suffix: Some("on.aws"),
    },
    Partition {
        name: "aws-cn",
        region_prefix: "cn-",
        suffix: "amazonaws.com.cn",
        dual_stack_suffix: Some("on.amazonwebservices.com.cn"),
    },
    Partition {
        name: "aws-eusc",
        region_prefix: "eusc-",
        suffix: "amazonaws.eu",
        dual_stack_suffix: Some("on.amazonwebservices.eu"),
    },
    Partition {
        name: "aws-iso",
        region_prefix: "us-iso-",
        suffix: "c2s.ic.gov",
        dual_stack_suffix: None,
    },
    Partition {
        name: "aws-iso-b",
        region_prefix: "us-isob-",
        suffix: "sc2s.sgov.gov",
        dual_stack_suffix: None,
    },
    Partition {
        name: "aws-iso-e",
        region_prefix: "eu-isoe-",
        suffix: "cloud.adc-e.uk",
        dual_stack_suffix: None,
    },
    Partition {
        name: "aws-iso-f",
        region_prefix: "us-isof-",
        suffix: "csp.hci.ic.gov",
        dual_stack_suffix: None,
    },
];

/// ECR Public's registry host.
pub const PUBLIC_HOST: &str = "public.ecr.aws";
/// The only region ECR Public issues tokens in.
pub const PUBLIC_REGION: &str = "us-east-1";

/// The partition a region belongs to.
pub fn partition_of(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .filter(|p| !p.region_prefix.is_empty())
        .find(|p| region.starts_with(p.region_prefix))
        .unwrap_or(&PARTITIONS[0])
}

/// Which ECR a registry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// A private registry of an account, in a region.
    Private,
    /// ECR Public (`public.ecr.aws`).
    Public,
}

/// What one token serves: a private region, or ECR Public. Registries with
/// the same scope share one token per credentials.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    /// Private or Public.
    pub service: Service,
    /// The region the token is asked in (us-east-1 for Public).
    pub region: String,
}

impl Scope {
    /// A private registry region.
    pub fn private(region: &str) -> Self {
        Scope {
            service: Service::Private,
            region: region.to_string(),
        }
    }

    /// ECR Public.
    pub fn public() -> Self {
        Scope {
            service: Service::Public,
            region: PUBLIC_REGION.to_string(),
        }
    }

    /// The IAM action a token call of this scope needs.
    pub fn iam_actions(&self) -> &'static str {
        match self.service {
            Service::Private => "ecr:GetAuthorizationToken",
            Service::Public => "ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.service {
            Service::Private => f.write_str(&self.region),
            Service::Public => write!(f, "{} (ECR Public)", self.region),
        }
    }
}

/// An ECR registry host, split into the parts that matter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Registry {
    /// The full host, e.g. `111122223333.dkr.ecr.us-east-1.amazonaws.com`.
    pub host: String,
    /// The 12-digit account; empty for ECR Public.
    pub account: String,
    /// The AWS region the host lives in (us-east-1 for ECR Public).
    pub region: String,
    /// Private or Public.
    pub service: Service,
}

/// The shape a registry host must have, for error messages.
const EXPECTED: &str = "expected <12-digit account>.dkr.ecr.<region>.amazonaws.com (or another ECR host form: -fips, dual-stack dkr-ecr.<region>.on.aws, China, the ISO partitions, the European Sovereign Cloud) or public.ecr.aws";

impl Registry {
    /// Parses any host form in [`PARTITIONS`], or `public.ecr.aws`. A leading
    /// `https://` and a trailing `/` are ignored.
    pub fn parse(host: &str) -> Result<Self, String> {
        let bad = || format!("malformed registry host {host:?}: {EXPECTED}");
        let host = host.trim().trim_start_matches("https://");
        let host = host.trim_end_matches('/');
        if host == PUBLIC_HOST {
            return Ok(Registry {
                host: host.to_string(),
                account: String::new(),
                region: PUBLIC_REGION.to_string(),
                service: Service::Public,
            });
        }
        let (account, rest) = host.split_once('.').ok_or_else(bad)?;
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (dual_stack, rest) = if let Some(r) = rest.strip_prefix("dkr.ecr") {
            (false, r)
        } else if let Some(r) = rest.strip_prefix("dkr-ecr") {
            (true, r)
        } else {
            return Err(bad());
        };
        let rest = rest.strip_prefix("-fips").unwrap_or(rest);
        let (region, suffix) = rest
            .strip_prefix('.')
            .and_then(|r| r.split_once('.'))
            .ok_or_else(bad)?;
        let known = PARTITIONS.iter().any(|p| {
            if dual_stack {
                p.dual_stack_suffix == Some(suffix)
            } else {
                p.suffix == suffix
            }
        });
        if !known || !valid_region(region) {
            return Err(bad());
        }
        Ok(Registry {
            host: host.to_string(),
            account: account.to_string(),
            region: region.to_string(),
            service: Service::Private,
        })
    }

    /// Builds the IPv4 host for an account in a region (for `REGISTRY=<account>`),
    /// under the suffix of the region's partition.
    pub fn for_account(account: &str, region: &str) -> Result<Self, String> {
        let suffix = partition_of(region).suffix;
        Self::parse(&format!("{account}.dkr.ecr.{region}.{suffix}"))
    }

    /// What this registry's token serves.
    pub fn scope(&self) -> Scope {
        match self.service {
            Service::Private => Scope::private(&self.region),
            Service::Public => Scope::public(),
        }
    }

    /// The dual-stack host of an IPv4 private registry, where its partition
    /// has one: `111122223333.dkr.ecr.us-east-1.amazonaws.com` →
    /// `111122223333.dkr-ecr.us-east-1.on.aws`. The same token is good for both.
    pub fn dual_stack_alias(&self) -> Option<String> {
        let rest = self.host.strip_prefix(&self.account)?;
        let rest = rest.strip_prefix(".dkr.ecr")?;
        let (fips, rest) = match rest.strip_prefix("-fips") {
            Some(r) => ("-fips", r),
            None => ("", rest),
        };
        let suffix = rest.strip_prefix(&format!(".{}.", self.region))?;
        let dual = PARTITIONS
            .iter()
            .find(|p| p.suffix == suffix)?
            .dual_stack_suffix?;
        Some(format!(
            "{}.dkr-ecr{fips}.{}.{dual}",
            self.account, self.region
        ))
    }
}

/// Whether `s` looks like an AWS region: `us-east-1`, `us-gov-west-1`,
/// `cn-north-1`, `eusc-de-east-1`, `us-isob-east-1`.
pub fn valid_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && (2..=4).contains(&parts[0].len())
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The regular expression the CRD's schema checks registry hosts with, made
/// from [`PARTITIONS`] and [`valid_region`]'s rule.
pub fn schema_pattern() -> String {
    let escape = |s: &str| s.replace('.', r"\.");
    let alternatives = |suffixes: Vec<&str>| {
        suffixes
            .into_iter()
            .map(escape)
            .collect::<Vec<_>>()
            .join("|")
    };
    let ipv4 = alternatives(PARTITIONS.iter().map(|p| p.suffix).collect());
    let dual = alternatives(
        PARTITIONS
            .iter()
            .filter_map(|p| p.dual_stack_suffix)
            .collect(),
    );
    let region = "[a-z]{2,4}(-[a-z]+)+-[0-9]+";
    format!(
        r"^([0-9]{{12}}\.(dkr\.ecr(-fips)?\.{region}\.({ipv4})|dkr-ecr(-fips)?\.{region}\.({dual}))|{})$",
        escape(PUBLIC_HOST)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host forms both the parser and the schema are tested with.
    const HOSTS: &str = include_str!("../../tests/data/registry-hosts.txt");

    fn hosts(kind: &str) -> Vec<Vec<&'static str>> {
        HOSTS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|f| f[0] == kind)
            .map(|f| f[1..].to_vec())
            .collect()
    }

    #[test]
    fn every_host_form_parses_with_its_region() {
        let good = hosts("good");
        assert!(good.len() >= 13);
        for g in good {
            let (host, region) = (g[0], g[1]);
            let r = Registry::parse(host).unwrap_or_else(|e| panic!("{host}: {e}"));
            assert_eq!(r.region, region, "{host}");
            assert_eq!(r.host, host);
        }
        let public = Registry::parse("https://public.ecr.aws/").unwrap();
        assert_eq!(public.scope(), Scope::public());
        assert_eq!(public.scope().to_string(), "us-east-1 (ECR Public)");
    }

    #[test]
    fn malformed_hosts_are_refused_with_the_expected_shape() {
        for bad in hosts("bad").into_iter().map(|b| b[0]) {
            let err = Registry::parse(bad).unwrap_err();
            assert!(err.contains("expected <12-digit account>"), "{bad}: {err}");
        }
    }

    #[test]
    fn accounts_get_their_partitions_suffix_and_dual_stack_alias() {
        let host = |a: &str, r: &str| Registry::for_account(a, r).unwrap().host;
        assert_eq!(
            host("111122223333", "cn-north-1"),
            "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            host("111122223333", "us-isob-east-1"),
            "111122223333.dkr.ecr.us-isob-east-1.sc2s.sgov.gov"
        );
        assert_eq!(
            host("111122223333", "eusc-de-east-1"),
            "111122223333.dkr.ecr.eusc-de-east-1.amazonaws.eu"
        );
        let alias = |h: &str| Registry::parse(h).unwrap().dual_stack_alias();
        assert_eq!(
            alias("111122223333.dkr.ecr-fips.us-east-1.amazonaws.com").as_deref(),
            Some("111122223333.dkr-ecr-fips.us-east-1.on.aws")
        );
        assert_eq!(
            alias("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn").as_deref(),
            Some("111122223333.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn")
        );
        assert_eq!(alias("111122223333.dkr.ecr.us-iso-east-1.c2s.ic.gov"), None);
        assert_eq!(alias("111122223333.dkr-ecr.eu-west-1.on.aws"), None);
        assert_eq!(alias("public.ecr.aws"), None);
        // Every alias is itself a registry host.
        for g in hosts("good") {
            let h = g[0];
            if let Some(a) = alias(h) {
                Registry::parse(&a).unwrap_or_else(|e| panic!("{h} -> {a}: {e}"));
            }
        }
    }

    #[test]
    fn the_charts_registry_pattern_is_the_crds() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../chart/values.schema.json")).unwrap();
        let registry = &schema["properties"]["aws"]["properties"]["registry"]["anyOf"][1];
        let crd = schema_pattern();
        let inner = &crd[1..crd.len() - 1];
        // The chart also takes a bare account ID, or nothing.
        assert_eq!(
            registry["pattern"].as_str().unwrap(),
            format!("^([0-9]{{12}}|{inner})?$"),
            "chart/values.schema.json's aws.registry pattern must be the CRD's"
        );
    }
}
