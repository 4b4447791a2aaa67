# SPDX-License-Identifier: GPL-3.0-or-later
"""Text generation through an OpenAI-compatible chat endpoint.

The endpoint comes from KARI_LLM_ENDPOINT (default: a local server);
without one reachable, the plugin says so instead of failing obscurely.
"""

import json
import os
import urllib.error
import urllib.request


def run(params: dict) -> dict:
    prompt = params.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        return {"error": "params.prompt must be a non-empty string"}
    endpoint = os.environ.get("KARI_LLM_ENDPOINT", "http://127.0.0.1:8080/v1")
    body = json.dumps({
        "model": params.get("model", "default"),
        "messages": [{"role": "user", "content": prompt}],
        "max_tokens": int(params.get("max_tokens", 256)),
    }).encode()
    request = urllib.request.Request(endpoint.rstrip("/") + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=float(params.get("timeout", 60))) as response:
            answer = json.load(response)
    except (urllib.error.URLError, TimeoutError) as e:
        return {"error": f"no language model reachable at {endpoint}: {e}"}
    return {"text": answer["choices"][0]["message"]["content"]}
