"""The defaults the builder reads from registry/assumptions.yaml: loading requires each; derivation names its own."""

from __future__ import annotations

ECOLOGITS = (  # EcoLogits' fitted energy and latency per output token (inference)
    "ecologits_energy_alpha",
    "ecologits_energy_beta",
    "ecologits_energy_gamma",
    "ecologits_latency_alpha",
    "ecologits_latency_beta",
    "ecologits_latency_gamma",
)
SERVING = (  # the server an inference estimate assumes
    "inference_batch_size",
    "inference_weight_bits",
    "inference_server_power_w",
    "inference_gpus_per_server",
    "inference_gpu_memory_gb",
    "running_memory_overhead_factor",
)
REQUIRED = (
    "accelerator_hours_tolerance",
    "cross_check_factor",
    "utilization",
    "power_share_of_tdp",
    "power_share_of_tdp_gpu",
    "power_share_of_tdp_tpu",
    "grid_share_in_organization_country",
    "grid_within_country_factor",
    "pue_hyperscale",
    "pue_onprem",
    "pue_default",
    "world_grid_intensity_g_per_kwh",
    "hardware_current_years",
    "laptop_memory_gb",
    "consumer_gpu_memory_gb",
    "datacenter_gpu_memory_gb",
    *SERVING,
    *ECOLOGITS,
)
