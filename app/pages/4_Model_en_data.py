"""Model & data: which model version made the flags, its metrics vs baselines, the data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import ui
from app.folders import FolderRefused, data_root, inside_root, refused_files, without_values
from app.unexpected import log_unexpected, short_message
from features.dryrun import check_folder
from features.export import csv_safe
from models.lookback import lookback_sentence, lookback_summary
from models.metrics import EARLY_WARNING_METRICS
from models.texts import LEVEL_PLURALS, labelled_columns, t

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
        f"{t('calibration', lang)}: {m.calibration} · {t('threshold', lang)}: {m.threshold:.3f} · "
        f"{t('mitigation', lang)}: {m.mitigation} · {t('data_origin', lang)}: "
        f"{ui.origin_label(ui.provenance(), lang)} ({m.data_fingerprint})"
    )
    st.subheader(t("model_vs_baselines", lang))
    comp = ui.table(str(b.path), "comparison")
    st.dataframe(labelled_columns(comp.round(3), lang), hide_index=True, key="comparison")
    st.subheader(t("per_year", lang))
    st.dataframe(
        labelled_columns(ui.table(str(b.path), "fold_metrics").round(3), lang), hide_index=True, key="folds"
    )

    if b.has_emerging:  # both signals judged as early warning, side by side
        st.subheader(t("early_warning", lang))
        em_meta = b.emerging_meta()
        st.caption(
            f"**{em_meta.get('name')}** v{em_meta.get('version')} · {em_meta.get('gate_summary', '')} · "
            + t("emerging_note", lang)
        )
        early = ui.table(str(b.path), "early_warning")
        shown = [c for c in EARLY_WARNING_COLUMNS if c in early]
        st.dataframe(early[shown].round(3), hide_index=True, key="early_warning")

    st.subheader(t("lookback", lang))
    st.caption(t("lookback_help", lang))
    past = lookback_summary(ui.table(str(b.path), "lookback"))
    plural = LEVEL_PLURALS[level]
    for row in past.tail(2).itertuples():
        st.markdown("- " + lookback_sentence(row, plural, lang))
    st.dataframe(
        past.drop(columns=["target_year"])
        .rename(columns={c: t(f"lb_{c}", lang) for c in past.columns if c != "target_year"})
        .round(2),
        hide_index=True,
        key="lookback",
    )

st.subheader("Data")
st.markdown(
    "- **Echt / real:** scholen en gemeenten (DUO-registers), CBS-context, achterstandsscores, "
    "gemeentegrenzen, VSV 2014-15 per VO-school.\n"
    "- **Gesimuleerd / simulated:** leerlingen, adviezen, toetsuitslagen, heroverwegingen en "
    "VSV per jaar 2014-15 … 2024-25 (`features/synthetic`), gekalibreerd op landelijke cijfers.\n"
    f"- {t('suppressed_note', lang)}"
)

st.subheader(t("validate_folder", lang))
root = data_root()
st.caption(
    f"Alleen mappen binnen de datamap '{root.name}' (pad relatief daaraan)."
    if lang == "nl"
    else f"Only folders inside the data root '{root.name}' (path relative to it)."
)
folder = st.text_input(t("folder", lang), key="folder")
if folder:
    try:  # only inside the data root; no symlink out of it, no oversized files (app/folders.py)
        path = inside_root(folder, root)
        refused = refused_files(path, root)
    except FolderRefused as exc:
        st.error(("Map geweigerd: " if lang == "nl" else "Folder refused: ") + str(exc))
    else:
        if refused:
            st.error(("Map geweigerd: " if lang == "nl" else "Folder refused: ") + "; ".join(refused))
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
            f"{len(report.errors)} {'probleem/problemen' if lang == 'nl' else 'problem(s)'}, "
            f"{len(bad)} {'bestand(en) met fouten' if lang == 'nl' else 'file(s) with errors'}"
        )
        if not report.ok:
            st.code(without_values(report.error()), language=None)
        if len(missing):
            st.warning(("Ontbreekt: " if lang == "nl" else "Missing: ") + ", ".join(missing["label"]))
        for (target, level), why in report.skipped.items():
            st.warning(f"{'Overgeslagen' if lang == 'nl' else 'Skipped'} {target} × {level}: {why}")
        if report.unrecognised:
            st.info(
                ("Niet herkend: " if lang == "nl" else "Not recognised: ") + ", ".join(report.unrecognised)
            )
        for note in report.notes:
            st.caption(note)
        st.dataframe(csv_safe(checks), hide_index=True, key="checks")
