"""The corpus: papers on disk, the first room of the data's way.

In: a scholar's file (PDF or .txt) with what she knows of it, or a Zotero/CSL
export (`bib`). Out: `corpus/<id>/source.pdf|source.txt` + `paper.json`
(CSL-JSON), written atomically after the file is checked (`add`), and `Paper`
records read back from those folders for every later stage. The doors to a
source's bytes live here because `add` is the first to open them: `textbytes`
decodes a text file, `pdffile` opens a PDF safely (passwords, decompression
bombs, scans); `extract` reuses both. `sources` notices a source replaced after
it was added.
"""
