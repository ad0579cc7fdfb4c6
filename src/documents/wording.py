"""What the council's documents say in words: the voting rule it applied and the public's
feedback on a dossier."""

from __future__ import annotations

from typing import Any


def allows_writing(rule: dict[str, Any]) -> bool:
    """Whether a session's voting rule provides for written votes (rule set v5 on)."""
    return bool(rule.get("written_votes", {}).get("allowed"))


def voting_rule_lines(rule: dict[str, Any]) -> list[str]:
    """The quorum, the majority, the ballot and their basis; then how written votes count."""
    quorum, approval = rule.get("quorum", {}), rule.get("approval", {})
    more = "quá" if approval.get("comparison") == "strict" else "từ"
    lines = [
        f"Túc số: {quorum.get('numerator')}/{quorum.get('denominator')} tổng số thành viên."
        f" Nghị quyết được thông qua khi {more}"
        f" {approval.get('numerator')}/{approval.get('denominator')} tổng số thành viên tán"
        f" thành; biểu quyết {'kín' if rule.get('secret_ballot') else 'công khai'}."
        f" Căn cứ: {rule.get('legal_basis', '')}"
    ]
    if allows_writing(rule):
        written = rule["written_votes"]
        lines.append(
            "Phiếu biểu quyết bằng văn bản của thành viên vắng mặt được tính vào kết quả biểu"
            f" quyết{'' if written['count_towards_quorum'] else ', không tính vào túc số'}."
            f" Căn cứ: {written['legal_basis']}"
        )
    return lines


def public_feedback(complaints: dict[str, dict[str, Any]]) -> str:
    """Decree 152/2025 art. 44(2): the objections a dossier received while it was posted,
    and how each was resolved; who objected is never named."""
    if not complaints:
        return "không có ý kiến phản ánh."
    parts = []
    for c in complaints.values():
        if c.get("state") != "resolved":
            parts.append("đang giải quyết")
            continue
        verdict = "có cơ sở" if c.get("upheld") else "không có cơ sở"
        parts.append(f"{verdict} ({str(c.get('resolution') or '').rstrip('.')})")
    return f"{len(complaints)} ý kiến phản ánh: " + "; ".join(parts) + "."
