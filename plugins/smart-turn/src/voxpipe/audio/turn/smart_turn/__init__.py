"""Smart-turn end-of-turn analyzers (distribution ``voxpipe-smart-turn``).

``local_smart_turn_v3.LocalSmartTurnAnalyzerV3`` runs the smart-turn v3 ONNX
model on CPU; ``base_smart_turn`` holds ``SmartTurnParams`` and the buffering
every smart-turn analyzer shares. The package stays open to other
distributions (a hosted smart-turn analyzer, say) through ``extend_path``.
"""

from voxpipe._namespace import extend_path

__path__ = extend_path(__path__, __name__)
