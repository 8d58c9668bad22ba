"""nianbao (年报): question answering over government information-disclosure annual reports.

Importing this package pins the process offline: nothing may download weights or phone home.
"""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
}
for _k, _v in OFFLINE_ENV.items():
    os.environ.setdefault(_k, _v)

__version__ = "0.1.0"
