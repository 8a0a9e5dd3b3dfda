//! Which front door a call came through, and how paths and fault-script names map to
//! [`oscu::Function`] (the one place the path spellings are chosen; the simulator serves exactly
//! those paths).

pub use oscu::Function;

/// Which front door a call came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `/etims-api/<function>`: three headers, bare KRA envelope.
    Direct,
    /// `/etims-oscu/api/v1/<path>`: bearer token + `apigee_app_id` + three headers, envelope
    /// wrapped in `responseHeader`/`responseBody`.
    Gateway,
}

/// The function served at `path` on `host`.
pub fn from_path(host: Host, path: &str) -> Option<Function> {
    match host {
        Host::Direct => Function::from_direct_path(path),
        Host::Gateway => Function::from_gateway_path(path),
    }
}

/// True when `name` spells `function` by its spec name or one of its paths.
pub fn is_named(function: Function, name: &str) -> bool {
    function.spec_name() == name || function.direct_path() == Some(name) || function.gateway_path() == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_on_their_own_door_only() {
        for (host, path, f) in [
            (Host::Direct, "saveTrnsSalesOsdc", Some(Function::SaveTrnsSalesOsdc)),
            (Host::Gateway, "sendSalesTransaction", Some(Function::SaveTrnsSalesOsdc)),
            (Host::Gateway, "insert/stockIO", Some(Function::InsertStockIO)),
            (Host::Direct, "selectStockMoveLists", None),
            (Host::Direct, "selectTaxpayerInfo", None),
        ] {
            assert_eq!(from_path(host, path), f, "{path}");
        }
        assert!(is_named(Function::SaveTrnsSalesOsdc, "sendSalesTransaction"));
        assert!(!is_named(Function::SaveItem, "sendSalesTransaction"));
    }
}
