"""A replay of ggml-alloc over the llama-style layer graph of 2024-2025 llama.cpp builds (test helper, no I/O).

What it follows, read in the llama.cpp that llama-cpp-python 0.2.90 vendors (build b3600's era, August 2024):
- ggml/src/ggml-alloc.c: ggml_gallocr_alloc_graph_impl (graph inputs first, then each node: allocate it, then free
  the parents whose children and views are all done), ggml_gallocr_allocate_node (in-place reuse of a parent for the
  ops of ggml_op_can_inplace when the parent has one child, no views and the same layout; a view parent never
  qualifies, because ggml_gallocr_is_own reads the view's own 'allocated' flag, which is never set for views),
  ggml_dyn_tallocr_alloc (best fit among the free blocks but the last, else the last block) and
  ggml_dyn_tallocr_free_tensor (merge with the neighbours). The 0.3.36 sources keep the same rules.
- src/llama.cpp build_llama, llm_build_kv (Q, K, V expanded in that order, then the K/V store, then llm_build_kqv),
  llm_build_kqv without flash attention (kq = mul_mat(k, q); soft_max_ext in place; kqv; permute; cont), llm_build_ffn
  (up, gate, silu and the gate product in place, down) and the last layer's get_rows of the output rows.
- ggml/src/ggml-backend.c ggml_backend_sched_split_graph: with one GPU split the input copies (token embeddings from
  the CPU split, positions, the f32 KQ mask) are plain nodes at the split's start, allocated there in that order.
Sizes are in bytes, every tensor f32, the n_ubatch of the reserved graph and n_outputs = n_ubatch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INPLACE = frozenset({"add", "mul", "rms_norm", "rope", "soft_max", "unary"})


@dataclass(eq=False)
class Tensor:
    name: str
    size: int
    op: str
    srcs: list[Tensor] = field(default_factory=list)
    view_of: Tensor | None = None
    external: bool = False  # weights, KV cache views: not in the compute buffer
    output: bool = False
    children: int = 0
    views: int = 0
    allocated: bool = False
    addr: int = 0


class DynAllocator:
    """ggml_dyn_tallocr: free blocks sorted by address, the last one unbounded."""

    def __init__(self) -> None:
        self.blocks: list[list[int]] = [[0, 1 << 62]]
        self.max_size = 0

    def alloc(self, size: int) -> int:
        best, best_size = -1, None
        for i, (_, free) in enumerate(self.blocks[:-1]):
            if free >= size and (best_size is None or free <= best_size):
                best, best_size = i, free
        if best == -1:
            best = len(self.blocks) - 1
        block = self.blocks[best]
        addr = block[0]
        block[0] += size
        block[1] -= size
        if block[1] == 0:
            self.blocks.pop(best)
        self.max_size = max(self.max_size, addr + size)
        return addr

    def free(self, addr: int, size: int) -> None:
        for i, block in enumerate(self.blocks):
            if block[0] + block[1] == addr:
                block[1] += size
                if i < len(self.blocks) - 1 and block[0] + block[1] == self.blocks[i + 1][0]:
                    block[1] += self.blocks.pop(i + 1)[1]
                return
            if addr + size == block[0]:
                block[0] = addr
                block[1] += size
                if i > 0 and self.blocks[i - 1][0] + self.blocks[i - 1][1] == block[0]:
                    self.blocks[i - 1][1] += self.blocks.pop(i)[1]
                return
        at = 0
        while at < len(self.blocks) and self.blocks[at][0] < addr:
            at += 1
        self.blocks.insert(at, [addr, size])


def replay(nodes: list[Tensor]) -> int:
    """The buffer size ggml_gallocr_reserve would give this node list (one backend buffer)."""
    alloc = DynAllocator()

    def allocate(node: Tensor) -> None:
        if node.allocated or node.external or node.view_of is not None:
            return
        node.allocated = True
        if node.op in INPLACE:
            for parent in node.srcs:
                # a view parent is never 'own' (ggml_gallocr_is_own); outputs and other layouts are not reused
                if parent.view_of is not None or not parent.allocated or parent.output or parent.size != node.size:
                    continue
                if parent.children == 1 and parent.views == 0:
                    node.addr = parent.addr
                    parent.allocated = False
                    return
        node.addr = alloc.alloc(node.size)

    for node in nodes:
        if node.view_of is not None:
            node.view_of.views += 1
        for parent in node.srcs:
            parent.children += 1
    for node in nodes:
        allocate(node)
        for parent in node.srcs:
            parent.children -= 1
            if parent.children or parent.views:
                continue
            if parent.view_of is not None:
                src = parent.view_of
                src.views -= 1
                if not src.views and not src.children and src.allocated and not src.output:
                    alloc.free(src.addr, src.size)
                    src.allocated = False
            elif parent.allocated and not parent.output:
                alloc.free(parent.addr, parent.size)
                parent.allocated = False
    return alloc.max_size


def llama_graph(
    n_layer: int, n_embd: int, q_dim: int, kv_dim: int, n_head: int, n_ff: int, n_kv: int, n_ubatch: int, n_vocab: int
) -> list[Tensor]:
    """One GPU's nodes of the worst-case graph (all layers offloaded, no flash attention, f32 KQ mask)."""
    row = 4 * n_ubatch
    nodes: list[Tensor] = []
    weight = Tensor("weight", 0, "none", external=True)

    def add(name: str, size: int, op: str, srcs: list[Tensor], view_of: Tensor | None = None) -> Tensor:
        t = Tensor(name, size, op, list(srcs), view_of)
        nodes.append(t)
        return t

    def view(t: Tensor) -> Tensor:
        return add(t.name + ".view", t.size, "view", [t], view_of=t)

    inp = add("inp_embd copy", n_embd * row, "none", [])
    pos = add("inp_pos copy", 4 * n_ubatch, "none", [])
    mask = add("KQ_mask copy", n_kv * n_ubatch * 4, "none", [])
    for il in range(n_layer):
        residual = inp
        norm = add("norm", n_embd * row, "rms_norm", [inp])
        cur = add("attn_norm", n_embd * row, "mul", [norm, weight])
        q = add("Qcur", q_dim * row, "mul_mat", [weight, cur])
        q = add("Qcur rope", q_dim * row, "rope", [view(q), pos])
        k = add("Kcur", kv_dim * row, "mul_mat", [weight, cur])
        k = add("Kcur rope", kv_dim * row, "rope", [view(k), pos])
        v = add("Vcur", kv_dim * row, "mul_mat", [weight, cur])
        add("k store", 0, "cpy", [k, weight]).external = True
        add("v store", 0, "cpy", [view(v), weight]).external = True
        kq = add("kq", n_kv * n_ubatch * n_head * 4, "mul_mat", [weight, view(q)])
        kq = add("kq soft_max", kq.size, "soft_max", [kq, mask])
        kqv = add("kqv", q_dim * row, "mul_mat", [weight, kq])
        cur = add("kqv_merged_cont", q_dim * row, "cont", [view(kqv)])
        cur = add("attn out", n_embd * row, "mul_mat", [weight, cur])
        if il == n_layer - 1:
            cur = add("get_rows out", n_embd * row, "get_rows", [cur])
            residual = add("get_rows residual", n_embd * row, "get_rows", [residual])
        ffn_inp = add("ffn_inp", n_embd * row, "add", [cur, residual])
        norm = add("ffn_norm", n_embd * row, "rms_norm", [ffn_inp])
        cur = add("ffn_norm w", n_embd * row, "mul", [norm, weight])
        up = add("ffn_up", n_ff * row, "mul_mat", [weight, cur])
        gate = add("ffn_gate", n_ff * row, "mul_mat", [weight, cur])
        gate = add("ffn_silu", n_ff * row, "unary", [gate])
        gate = add("ffn_gate_par", n_ff * row, "mul", [gate, up])
        cur = add("ffn_down", n_embd * row, "mul_mat", [weight, gate])
        inp = add("l_out", n_embd * row, "add", [cur, ffn_inp])
    norm = add("result_norm", n_embd * row, "rms_norm", [inp])
    cur = add("result_norm w", n_embd * row, "mul", [norm, weight])
    logits = add("result_output", n_vocab * row, "mul_mat", [weight, cur])
    logits.output = True
    return nodes
