import numpy as np
import pytest

from memory.embeddings import DIM, MiniLMEmbeddings, get_embedder
from memory.vectors import MiniLMChromaFunction


@pytest.fixture(scope="module")
def emb() -> MiniLMEmbeddings:
    return get_embedder()


def test_vectors_are_normalised_384d(emb):
    v = emb.encode(["hello there", "Do you ship to Canada?"])
    assert v.shape == (2, DIM)
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_fixed_example_sets_are_embedded_once_and_kept_on_disk(tmp_path):
    store = MiniLMEmbeddings(cache_size=0, store_dir=tmp_path / "store")
    texts = ["is the mat vegan?", "where is my order"]
    first = store.encode_stored(texts)
    np.testing.assert_array_equal(first, store.encode(texts))
    (kept,) = (tmp_path / "store").glob("vectors-*.npy")
    np.save(kept, np.ones((2, DIM), dtype=np.float32))  # what is on disk is what is served
    assert store.encode_stored(texts).sum() == 2 * DIM
    assert store.encode_stored([*texts, "x"]).shape == (3, DIM)  # other texts: another file
    kept.write_bytes(b"not an array")  # a broken file is embedded again and replaced
    np.testing.assert_array_equal(store.encode_stored(texts), first)
    (tmp_path / "ro").write_text("")  # a store that cannot be written still answers
    np.testing.assert_array_equal(
        MiniLMEmbeddings(store_dir=tmp_path / "ro" / "x").encode_stored(texts), first
    )


def test_paraphrases_score_high_and_unrelated_low(emb):
    a, b, c = emb.encode(
        [
            "How often should I train abs?",
            "What is the best ab workout frequency?",
            "Do you ship to Canada?",
        ]
    )
    assert float(a @ b) > 0.55
    assert float(a @ c) < 0.15
    assert float(b @ c) < 0.15


def test_more_paraphrase_pairs_beat_their_distractors(emb):
    pairs = [
        ("Is this protein vegan?", "Does the protein powder contain any animal products?"),
        ("When will my order arrive?", "How long does delivery take?"),
        ("Can I return leggings that don't fit?", "What is your refund policy for clothes?"),
        ("Which kettlebell weight for a beginner?", "What size kettlebell should I start with?"),
    ]
    left = emb.encode([p[0] for p in pairs])
    right = emb.encode([p[1] for p in pairs])
    sims = left @ right.T
    # Each question is closest to its own paraphrase.
    assert list(np.argmax(sims, axis=1)) == list(range(len(pairs)))


def test_batch_equals_single_and_padding_does_not_leak(emb):
    texts = ["short", "a much longer sentence about training abs and protein shakes " * 3]
    batch = emb._run(texts)
    single = np.vstack([emb._run([t]) for t in texts])
    np.testing.assert_allclose(batch, single, atol=2e-3)


def test_lru_cache_returns_same_vector_and_is_bounded():
    e = MiniLMEmbeddings(threads=1, cache_size=2)
    first = e.encode(["cached text"])[0]
    assert "cached text" in e._cache
    again = e.encode(["cached text"])[0]
    np.testing.assert_array_equal(first, again)
    e.encode(["x one", "x two", "x three"])
    assert len(e._cache) == 2


def test_langchain_and_chroma_interfaces(emb):
    doc = emb.embed_documents(["vegan protein"])
    query = emb.embed_query("vegan protein")
    assert len(doc) == 1 and len(doc[0]) == DIM
    np.testing.assert_allclose(doc[0], query, atol=1e-6)
    fn = MiniLMChromaFunction(emb)
    out = fn(["vegan protein"])
    np.testing.assert_allclose(np.asarray(out[0]), np.asarray(query), atol=1e-6)
    assert MiniLMChromaFunction.name() == "dmpilot-minilm-onnx"


def test_empty_string_does_not_crash(emb):
    v = emb.encode([""])
    assert v.shape == (1, DIM)
