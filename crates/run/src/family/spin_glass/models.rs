//! The catalogue of models: names, parameters and their meaning (`quench models`).

pub use crate::family::{ModelInfo, ParameterInfo};

/// The accepted values of `model`.
pub const MODEL_NAMES: &str = "\"sk\", \"ea\", \"ferromagnet\", \"random-regular\", \"erdos-renyi\", \"hopfield\", \"instance\"";

const COUPLINGS: ParameterInfo = ParameterInfo {
    key: "couplings",
    meaning: "distribution of the random couplings",
    allowed: "\"gaussian\" or \"pm1\"",
    default: Some("\"gaussian\""),
};

const FIELD: ParameterInfo = ParameterInfo {
    key: "field",
    meaning: "uniform external field h (the term -h sum_i s_i)",
    allowed: "a finite number",
    default: Some("0"),
};

const N: ParameterInfo = ParameterInfo {
    key: "n",
    meaning: "number of spins (a grid key)",
    allowed: "an integer >= 1",
    default: None,
};

const DIMENSION: ParameterInfo = ParameterInfo {
    key: "dimension",
    meaning: "lattice dimension d",
    allowed: "an integer from 1 to 8",
    default: None,
};

const LENGTH: ParameterInfo = ParameterInfo {
    key: "length",
    meaning: "lattice side L, periodic boundaries, N = L^d (a grid key)",
    allowed: "an integer >= 2",
    default: None,
};

/// Every model quench can draw.
pub fn catalogue() -> Vec<ModelInfo> {
    vec![
        ModelInfo {
            name: "sk",
            aliases: &["sherrington-kirkpatrick"],
            description: "Sherrington-Kirkpatrick spin glass: every pair of spins interacts",
            hamiltonian: "H = -sum_{i<j} J_ij s_i s_j - h sum_i s_i, J_ij of variance 1/N (Gaussian or +-1/sqrt N); T_c = 1",
            size_key: "n",
            parameters: vec![N, COUPLINGS, FIELD],
        },
        ModelInfo {
            name: "ea",
            aliases: &["edwards-anderson"],
            description: "Edwards-Anderson spin glass on a periodic hypercubic lattice",
            hamiltonian: "H = -sum_<ij> J_ij s_i s_j - h sum_i s_i, J_ij Gaussian of variance 1 or +-1",
            size_key: "length",
            parameters: vec![DIMENSION, LENGTH, COUPLINGS, FIELD],
        },
        ModelInfo {
            name: "ferromagnet",
            aliases: &[],
            description: "Ising ferromagnet on a periodic hypercubic lattice (2D: exact solution by Onsager and Kaufman)",
            hamiltonian: "H = -sum_<ij> s_i s_j - h sum_i s_i",
            size_key: "length",
            parameters: vec![DIMENSION, LENGTH, FIELD],
        },
        ModelInfo {
            name: "random-regular",
            aliases: &[],
            description: "spin glass on a uniformly random c-regular graph (Bethe lattice)",
            hamiltonian: "H = -sum_(ij) in E J_ij s_i s_j - h sum_i s_i, J_ij Gaussian of variance 1 or +-1",
            size_key: "n",
            parameters: vec![
                N,
                ParameterInfo {
                    key: "degree",
                    meaning: "degree c of every vertex (n c must be even)",
                    allowed: "an integer from 1 to n - 1",
                    default: None,
                },
                COUPLINGS,
                FIELD,
            ],
        },
        ModelInfo {
            name: "erdos-renyi",
            aliases: &[],
            description: "Viana-Bray spin glass on an Erdos-Renyi graph G(N, c/(N-1))",
            hamiltonian: "H = -sum_(ij) in E J_ij s_i s_j - h sum_i s_i, J_ij Gaussian of variance 1 or +-1",
            size_key: "n",
            parameters: vec![
                N,
                ParameterInfo {
                    key: "mean_degree",
                    meaning: "mean degree c",
                    allowed: "a number from 0 to n - 1",
                    default: None,
                },
                COUPLINGS,
                FIELD,
            ],
        },
        ModelInfo {
            name: "hopfield",
            aliases: &[],
            description: "Hopfield associative memory with Hebbian couplings from P random patterns (sampled like any spin glass; for retrieval against the load alpha, with [algorithm] method = \"retrieval\" and grid.alpha, see experiments/hopfield-capacity.toml)",
            hamiltonian: "H = -sum_{i<j} J_ij s_i s_j - h sum_i s_i, J_ij = (1/N) sum_mu xi_i^mu xi_j^mu",
            size_key: "n",
            parameters: vec![
                N,
                ParameterInfo {
                    key: "patterns",
                    meaning: "number of stored patterns P (load alpha = P/N)",
                    allowed: "an integer >= 1",
                    default: None,
                },
                FIELD,
            ],
        },
        ModelInfo {
            name: "instance",
            aliases: &[],
            description: "one instance of your own, read from files: an edge list `i j J` (text, 0-based) or a dense symmetric matrix (.npy, float64 or float32); `quench draw` writes any drawn sample in these formats; [ensemble] samples = 1",
            hamiltonian: "H = -sum_(ij) J_ij s_i s_j - sum_i (h_i + h) s_i, J_ij and h_i as the files give them",
            size_key: "n",
            parameters: vec![
                ParameterInfo {
                    key: "couplings",
                    meaning: "the couplings file, relative to the spec file's directory: lines `i j J` (comments #, optional first line `n N`), or FILE.npy of shape (n, n), symmetric with zero diagonal",
                    allowed: "a file name",
                    default: None,
                },
                ParameterInfo {
                    key: "fields",
                    meaning: "a per-site fields file: lines `i h`, or FILE.npy of shape (n,)",
                    allowed: "a file name",
                    default: Some("none (h_i = 0)"),
                },
                ParameterInfo {
                    key: "n",
                    meaning: "number of spins: comes from the file; if given it must agree",
                    allowed: "the file's number of spins",
                    default: Some("the file's"),
                },
                ParameterInfo {
                    key: "coupling_variance",
                    meaning: "variance of the Gaussian ensemble the couplings were drawn from, if they were (enables the energy/link-overlap equilibration identity)",
                    allowed: "a number > 0",
                    default: Some("none"),
                },
                FIELD,
            ],
        },
    ]
}

/// The catalogue entry of `name` (or one of its aliases).
pub fn find(name: &str) -> Option<ModelInfo> {
    catalogue().into_iter().find(|m| m.accepts(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalogue and the model deserialiser of quench-core agree on names and keys.
    #[test]
    fn catalogue_matches_the_model_spec() {
        let directory =
            std::env::temp_dir().join(format!("quench-catalogue-{}", std::process::id()));
        std::fs::create_dir_all(&directory).unwrap();
        let edges = directory.join("couplings.txt");
        std::fs::write(&edges, "0 1 1\n1 2 -1\n").unwrap();
        let fields = directory.join("fields.txt");
        std::fs::write(&fields, "0 0.5\n").unwrap();
        let path = |p: &std::path::Path| toml::Value::String(p.display().to_string());
        for model in catalogue() {
            let mut table = toml::Table::new();
            table.insert("model".into(), toml::Value::String(model.name.into()));
            for parameter in &model.parameters {
                let value = match parameter.key {
                    "couplings" if model.name == "instance" => path(&edges),
                    "fields" => path(&fields),
                    "coupling_variance" => toml::Value::Float(1.0),
                    "n" if model.name == "instance" => toml::Value::Integer(3),
                    "couplings" => toml::Value::String("pm1".into()),
                    "field" | "mean_degree" => toml::Value::Float(1.0),
                    "dimension" => toml::Value::Integer(2),
                    "length" => toml::Value::Integer(4),
                    "n" => toml::Value::Integer(8),
                    _ => toml::Value::Integer(3),
                };
                table.insert(parameter.key.into(), value);
            }
            let spec: Result<quench_core::ModelSpec, _> = toml::Value::Table(table).try_into();
            let spec = spec.unwrap_or_else(|e| panic!("{}: {e}", model.name));
            spec.ensemble()
                .unwrap_or_else(|e| panic!("{}: {e}", model.name));
            assert!(MODEL_NAMES.contains(&format!("\"{}\"", model.name)));
        }
        std::fs::remove_dir_all(&directory).unwrap();
    }
}
