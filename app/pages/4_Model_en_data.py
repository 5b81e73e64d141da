"""Model & data: which model version made the flags, its metrics vs baselines, the data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import ui
from app.folders import FolderRefused, data_root, inside_root, refused_files, without_values
from app.unexpected import log_unexpected, short_message
from features.dryrun import check_folder
from features.export import csv_safe
from models.lookback import lookback_sentence
from models.metrics import EARLY_WARNING_METRICS
from models.texts import (
    LEVEL_PLURALS,
    codes_in_words,
    format_number,
    gate_summary,
    labelled_columns,
    t,
    value_label,
)

EARLY_WARNING_COLUMNS = ("signal", "model", *EARLY_WARNING_METRICS)

lang = ui.setup_page("model_data")
target = ui.target_choice(lang)
level = ui.level_choice(lang, target, default="gemeente")
st.title(t("model_data", lang))
b = ui.load_bundle(target, level)
if b is not None:
    m = b.meta
    st.write(
        f"**{m.name}** v{m.version} · MLflow run `{m.run_id}` · "
        f"{t('calibration', lang)}: {value_label(m.calibration, lang)} · "
        f"{t('threshold', lang)}: {format_number(m.threshold, lang, 3)} · "
        f"{t('mitigation', lang)}: {value_label(m.mitigation, lang)} · {t('data_origin', lang)}: "
        f"{ui.origin_label(ui.provenance(), lang)} ({m.data_fingerprint})"
    )
    st.subheader(t("model_vs_baselines", lang))
    comp = ui.table(str(b.path), "comparison")
    st.dataframe(
        labelled_columns(codes_in_words(comp.round(3), lang), lang), hide_index=True, key="comparison"
    )
    st.subheader(t("per_year", lang))
    st.dataframe(
        labelled_columns(ui.table(str(b.path), "fold_metrics").round(3), lang), hide_index=True, key="folds"
    )

    if b.has_emerging:  # both signals judged as early warning, side by side
        st.subheader(t("early_warning", lang))
        em_meta = b.emerging_meta()
        code = em_meta.get("gate_summary_code")
        verdict = gate_summary(code, lang) if code else em_meta.get("gate_summary", "")
        detector = f"**{em_meta.get('name')}** v{em_meta.get('version')}"
        st.caption(f"{detector} · {verdict} · {t('emerging_note', lang)}")
        early = ui.table(str(b.path), "early_warning")
        shown = [c for c in EARLY_WARNING_COLUMNS if c in early]
        early = labelled_columns(codes_in_words(early[shown].round(3), lang), lang)
        st.dataframe(early, hide_index=True, key="early_warning")

    st.subheader(t("lookback", lang))
    st.caption(t("lookback_help", lang))
    past = ui.lookback_summary(str(b.path))
    plural = LEVEL_PLURALS[level]
    latest = past[past["target_year"] == past["target_year"].max()]
    for row in latest.itertuples():  # the newest year, each signal in one sentence
        st.markdown("- " + lookback_sentence(row, plural, lang))
    signal_words = {"elevated": t("elevated_signal", lang), "emerging": t("emerging_signal", lang)}
    st.dataframe(
        past.drop(columns=["target_year"])
        .assign(signal=past["signal"].map(signal_words))
        .rename(columns={c: t(f"lb_{c}", lang) for c in past.columns if c != "target_year"})
        .round(2),
        hide_index=True,
        key="lookback",
    )

st.subheader(t("data_heading", lang))
origin = ui.provenance()
described = (
    [t("data_real", lang), t("data_simulated", lang)]
    if origin.simulated
    else [t("data_user", lang, label=origin.label)]
)
st.markdown("\n".join(f"- {line}" for line in [*described, t("suppressed_note", lang)]))

st.subheader(t("validate_folder", lang))
root = data_root()
st.caption(t("folder_scope", lang, root=root.name))
folder = st.text_input(t("folder", lang), key="folder")
if folder:
    try:  # only inside the data root; no symlink out of it, no oversized files (app/folders.py)
        path = inside_root(folder, root)
        refused = refused_files(path, root)
    except FolderRefused as exc:
        st.error(t("folder_refused", lang) + str(exc))
    else:
        if refused:
            st.error(t("folder_refused", lang) + "; ".join(refused))
            st.stop()
        try:
            report = check_folder(path)
        except Exception as exc:  # a bug, not the user's data: short message + log file
            st.error(short_message(exc, log_unexpected(exc, f"validate folder {path}")))
            st.stop()
        checks = pd.DataFrame([c.__dict__ for c in report.files])
        checks["message"] = checks["message"].map(without_values)
        bad = checks[checks["present"] & ~checks["ok"]]
        missing = checks[~checks["present"] & (checks["rows"] == 0)]
        (st.error if not report.ok else st.success)(
            t("n_problems", lang, n=len(report.errors), files=len(bad))
        )
        if not report.ok:
            st.code(without_values(report.error()), language=None)
        if len(missing):
            st.warning(t("missing_files", lang) + ", ".join(missing["label"]))
        for (target, level), why in report.skipped.items():
            st.warning(f"{t('skipped', lang)} {target} × {level}: {why}")
        if report.unrecognised:
            st.info(t("not_recognised", lang) + ", ".join(report.unrecognised))
        for note in report.notes:
            st.caption(note)
        st.dataframe(csv_safe(checks), hide_index=True, key="checks")
