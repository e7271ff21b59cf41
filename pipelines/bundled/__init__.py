"""The bundled datasets: build, the cited figures and the synthetic demo."""
