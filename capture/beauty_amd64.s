#include "textflag.h"

// func expandBlocksAVX2(d, s *byte, c0, c1 *uint64, n int, t uint64, pl *uint16)
//
// expandRow's loop, four blocks (16 pixels) a step: the coefficients a | b<<32
// of the two reduced rows are mixed t/256 of the way (VPMULUDQ on each
// half), each block's a and b spread to its four pixels' 16-bit lanes,
// a·p + b taken for the 16 pixels, and the tone curve looked up as 8 pixel
// pairs with one gather from the pair table (which has 2 bytes of padding,
// as each lane reads 4 bytes). n is a multiple of 4.
TEXT ·expandBlocksAVX2(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DX
	MOVQ s+8(FP), SI
	MOVQ c0+16(FP), R8
	MOVQ c1+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ t+40(FP), AX
	MOVQ pl+48(FP), DI
	MOVQ $256, BX
	SUBQ AX, BX
	MOVQ AX, X14
	VPBROADCASTQ X14, Y14 // t
	MOVQ BX, X15
	VPBROADCASTQ X15, Y15 // 256 - t
	MOVL $0xffff, R10
	MOVQ R10, X13
	VPBROADCASTD X13, Y13 // the low half of each dword

loop:
	CMPQ CX, $4
	JL   done
	VMOVDQU (R8), Y0
	VMOVDQU (R9), Y1
	VPMULUDQ Y15, Y0, Y2
	VPMULUDQ Y14, Y1, Y3
	VPADDQ   Y3, Y2, Y2 // a·256 in each block's quadword
	VPSRLQ   $32, Y0, Y0
	VPSRLQ   $32, Y1, Y1
	VPMULUDQ Y15, Y0, Y0
	VPMULUDQ Y14, Y1, Y1
	VPADDQ   Y1, Y0, Y0 // b·256
	VPSRLQ   $8, Y2, Y2
	VPSRLQ   $8, Y0, Y0
	VPSHUFLW $0, Y2, Y2
	VPSHUFHW $0, Y2, Y2 // a in the block's four words
	VPSHUFLW $0, Y0, Y0
	VPSHUFHW $0, Y0, Y0 // b likewise
	VPMOVZXBW (SI), Y4  // 16 pixels as words
	VPMULLW  Y2, Y4, Y4
	VPADDW   Y0, Y4, Y4
	VPSRLW   $8, Y4, Y4
	VPACKUSWB Y4, Y4, Y4
	VPERMQ   $0x08, Y4, Y4 // the 16 results as bytes, in order
	VPMOVZXWD X4, Y5       // as 8 pair indices
	VPCMPEQD Y6, Y6, Y6
	VPGATHERDD Y6, (DI)(Y5*2), Y7
	VPAND    Y13, Y7, Y7
	VPACKUSDW Y7, Y7, Y7
	VPERMQ   $0x08, Y7, Y7
	VMOVDQU  X7, (DX)
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $16, SI
	ADDQ $16, DX
	SUBQ $4, CX
	JMP  loop

done:
	VZEROUPPER
	RET

// func towardGreyAVX2(d, s *byte, n int, k uint64)
//
// towardGrey sixteen bytes a step: 128 + (v−128)·k/256 as
// (v·k + 128·(256−k)) >> 8 in 16-bit lanes (at most 65280: no overflow for
// k ≤ 256). n is a multiple of 16.
TEXT ·towardGreyAVX2(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DX
	MOVQ s+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), AX
	MOVQ $256, BX
	SUBQ AX, BX
	SHLQ $7, BX
	MOVQ AX, X14
	VPBROADCASTW X14, Y14 // k
	MOVQ BX, X15
	VPBROADCASTW X15, Y15 // 128·(256−k)

grey:
	CMPQ CX, $16
	JL   greydone
	VPMOVZXBW (SI), Y0
	VPMULLW   Y14, Y0, Y0
	VPADDW    Y15, Y0, Y0
	VPSRLW    $8, Y0, Y0
	VPACKUSWB Y0, Y0, Y0
	VPERMQ    $0x08, Y0, Y0
	VMOVDQU   X0, (DX)
	ADDQ $16, SI
	ADDQ $16, DX
	SUBQ $16, CX
	JMP  grey

greydone:
	VZEROUPPER
	RET

// func scaleChromaAVX2(d, s *byte, n int, k uint64)
//
// The whitening of a dim room's brightened picture, where k may pass 256:
// 128 + round((v−128)·k/256), rounding halves up, saturated to 0..255, as
// VPMULHRSW((v−128)·64, 2k). n is a multiple of 16; k ≤ 16383.
TEXT ·scaleChromaAVX2(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DX
	MOVQ s+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ k+24(FP), AX
	SHLQ $1, AX
	MOVQ AX, X14
	VPBROADCASTW X14, Y14 // 2k
	MOVQ $128, BX
	MOVQ BX, X15
	VPBROADCASTW X15, Y15 // 128

scale:
	CMPQ CX, $16
	JL   scaledone
	VPMOVZXBW (SI), Y0
	VPSUBW    Y15, Y0, Y0
	VPSLLW    $6, Y0, Y0
	VPMULHRSW Y14, Y0, Y0
	VPADDW    Y15, Y0, Y0
	VPACKUSWB Y0, Y0, Y0
	VPERMQ    $0x08, Y0, Y0
	VMOVDQU   X0, (DX)
	ADDQ $16, SI
	ADDQ $16, DX
	SUBQ $16, CX
	JMP  scale

scaledone:
	VZEROUPPER
	RET

// func colCoeffsAVX2(ca, cb *float32, c1, c2, in1, out1, in2, out2 *int32, invW *float32, n int, kh, eps float32)
//
// colCoeffs eight columns a step, the same operations in the same order
// (so the same bits): the running column sums moved down a row, then
// n = invW·kh, m = s1·n/8, v = max(s2·n/64 − m·m, 0), a = v/(v+eps),
// b = m − a·m. n is a multiple of 8.
TEXT ·colCoeffsAVX2(SB), NOSPLIT, $0-88
	MOVQ ca+0(FP), DI
	MOVQ cb+8(FP), SI
	MOVQ c1+16(FP), R8
	MOVQ c2+24(FP), R9
	MOVQ in1+32(FP), R10
	MOVQ out1+40(FP), R11
	MOVQ in2+48(FP), R12
	MOVQ out2+56(FP), R13
	MOVQ invW+64(FP), BX
	MOVQ n+72(FP), CX
	VBROADCASTSS kh+80(FP), Y10
	VBROADCASTSS eps+84(FP), Y11
	MOVL $0x3e000000, AX // 1/8
	MOVL AX, X12
	VBROADCASTSS X12, Y12
	MOVL $0x3c800000, AX // 1/64
	MOVL AX, X13
	VBROADCASTSS X13, Y13
	VXORPS Y14, Y14, Y14
	XORQ DX, DX

coeffs:
	CMPQ CX, $8
	JL   coeffsdone
	VMOVDQU (R8)(DX*1), Y0
	VPADDD  (R10)(DX*1), Y0, Y0
	VPSUBD  (R11)(DX*1), Y0, Y0
	VMOVDQU Y0, (R8)(DX*1)
	VMOVDQU (R9)(DX*1), Y1
	VPADDD  (R12)(DX*1), Y1, Y1
	VPSUBD  (R13)(DX*1), Y1, Y1
	VMOVDQU Y1, (R9)(DX*1)
	VMOVUPS (BX)(DX*1), Y2
	VMULPS  Y10, Y2, Y2 // invW·kh
	VCVTDQ2PS Y0, Y0
	VMULPS  Y2, Y0, Y0
	VMULPS  Y12, Y0, Y0 // m
	VCVTDQ2PS Y1, Y1
	VMULPS  Y2, Y1, Y1
	VMULPS  Y13, Y1, Y1
	VMULPS  Y0, Y0, Y3
	VSUBPS  Y3, Y1, Y1
	VMAXPS  Y14, Y1, Y1 // v
	VADDPS  Y11, Y1, Y4
	VDIVPS  Y4, Y1, Y5 // a
	VMULPS  Y0, Y5, Y6
	VSUBPS  Y6, Y0, Y6 // b
	VMOVUPS Y5, (DI)(DX*1)
	VMOVUPS Y6, (SI)(DX*1)
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  coeffs

coeffsdone:
	VZEROUPPER
	RET

// func colMeansAVX2(qa, qb *int32, cA, cB, inA, outA, inB, outB, invW *float32, n int, kh, s float32)
//
// The first loop of colMeans eight columns a step, the same operations in
// the same order: the running sums moved down a row, then
// qa = int32(((s·sa)·k + (1−s))·2^14), qb = int32(((s·sb)·k)·2^14) with
// k = invW·kh. n is a multiple of 8.
TEXT ·colMeansAVX2(SB), NOSPLIT, $0-88
	MOVQ qa+0(FP), DI
	MOVQ qb+8(FP), SI
	MOVQ cA+16(FP), R8
	MOVQ cB+24(FP), R9
	MOVQ inA+32(FP), R10
	MOVQ outA+40(FP), R11
	MOVQ inB+48(FP), R12
	MOVQ outB+56(FP), R13
	MOVQ invW+64(FP), BX
	MOVQ n+72(FP), CX
	VBROADCASTSS kh+80(FP), Y10
	VBROADCASTSS s+84(FP), Y11
	MOVL $0x3f800000, AX // 1
	MOVL AX, X12
	VBROADCASTSS X12, Y12
	VSUBPS Y11, Y12, Y12 // 1 − s
	MOVL $0x46800000, AX // 2^14
	MOVL AX, X13
	VBROADCASTSS X13, Y13
	XORQ DX, DX

means:
	CMPQ CX, $8
	JL   meansdone
	VMOVUPS (R8)(DX*1), Y0
	VADDPS  (R10)(DX*1), Y0, Y0
	VSUBPS  (R11)(DX*1), Y0, Y0
	VMOVUPS Y0, (R8)(DX*1)
	VMOVUPS (R9)(DX*1), Y1
	VADDPS  (R12)(DX*1), Y1, Y1
	VSUBPS  (R13)(DX*1), Y1, Y1
	VMOVUPS Y1, (R9)(DX*1)
	VMOVUPS (BX)(DX*1), Y2
	VMULPS  Y10, Y2, Y2 // k
	VMULPS  Y0, Y11, Y0 // s·sa
	VMULPS  Y2, Y0, Y0
	VADDPS  Y12, Y0, Y0
	VMULPS  Y13, Y0, Y0
	VCVTTPS2DQ Y0, Y0
	VMULPS  Y1, Y11, Y1 // s·sb
	VMULPS  Y2, Y1, Y1
	VMULPS  Y13, Y1, Y1
	VCVTTPS2DQ Y1, Y1
	VMOVDQU Y0, (DI)(DX*1)
	VMOVDQU Y1, (SI)(DX*1)
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  means

meansdone:
	VZEROUPPER
	RET

// func packHalfwayAVX2(hc *uint64, qa, qb *int32, n int)
//
// colMeans's second loop eight coefficients a step: a = min((qa[x] +
// qa[x+1]) >> 7, 256), b = max(qb[x] + qb[x+1], 0) >> 7, hc[x] =
// a | min(b, 255·(256−a))<<32. Reads qa and qb up to n; n is a multiple of 8.
TEXT ·packHalfwayAVX2(SB), NOSPLIT, $0-32
	MOVQ hc+0(FP), DI
	MOVQ qa+8(FP), R8
	MOVQ qb+16(FP), R9
	MOVQ n+24(FP), CX
	MOVL $256, AX
	MOVL AX, X12
	VPBROADCASTD X12, Y12
	VPXOR Y13, Y13, Y13
	MOVL $65280, AX // 255·256
	MOVL AX, X14
	VPBROADCASTD X14, Y14
	XORQ DX, DX

pack:
	CMPQ CX, $8
	JL   packdone
	VMOVDQU (R8)(DX*4), Y0
	VPADDD  4(R8)(DX*4), Y0, Y0
	VPSRAD  $7, Y0, Y0
	VPMINSD Y12, Y0, Y0 // a
	VMOVDQU (R9)(DX*4), Y1
	VPADDD  4(R9)(DX*4), Y1, Y1
	VPMAXSD Y13, Y1, Y1
	VPSRLD  $7, Y1, Y1 // b
	VPSLLD  $8, Y0, Y2
	VPSUBD  Y0, Y2, Y2
	VPSUBD  Y2, Y14, Y2 // 255·(256−a)
	VPMINSD Y2, Y1, Y1
	VPUNPCKLDQ Y1, Y0, Y3
	VPUNPCKHDQ Y1, Y0, Y4
	VPERM2I128 $0x20, Y4, Y3, Y5
	VPERM2I128 $0x31, Y4, Y3, Y6
	VMOVDQU Y5, (DI)(DX*8)
	VMOVDQU Y6, 32(DI)(DX*8)
	ADDQ $8, DX
	SUBQ $8, CX
	JMP  pack

packdone:
	VZEROUPPER
	RET

// func reduceRowAVX2(out *int32, r0, r1 *byte, n int)
//
// reduceFast's row, eight blocks (32 pixels of each of the two rows) a step:
// out[k] = the sum of pixels 4k … 4k+3 of both rows. n is a multiple of 8.
TEXT ·reduceRowAVX2(SB), NOSPLIT, $0-32
	MOVQ out+0(FP), DI
	MOVQ r0+8(FP), SI
	MOVQ r1+16(FP), BX
	MOVQ n+24(FP), CX
	MOVL $0x01010101, AX
	MOVL AX, X14
	VPBROADCASTD X14, Y14 // bytes of 1
	MOVL $0x00010001, AX
	MOVL AX, X15
	VPBROADCASTD X15, Y15 // words of 1

reduce:
	CMPQ CX, $8
	JL   reducedone
	VMOVDQU (SI), Y0
	VMOVDQU (BX), Y1
	VPMADDUBSW Y14, Y0, Y0 // neighbours' sums as words
	VPMADDUBSW Y14, Y1, Y1
	VPADDW   Y1, Y0, Y0
	VPMADDWD Y15, Y0, Y0 // four pixels of both rows as dwords
	VMOVDQU  Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, BX
	ADDQ $32, DI
	SUBQ $8, CX
	JMP  reduce

reducedone:
	VZEROUPPER
	RET

// func boxIntAVX2(d1, d2, src *int32, n int)
//
// boxRowInt's whole windows eight outputs a step: d1[x] = src[x] + … +
// src[x+4], d2[x] the same of the squares (src points 2 before the first
// output's centre). Returns after n&^7 outputs.
TEXT ·boxIntAVX2(SB), NOSPLIT, $0-32
	MOVQ d1+0(FP), DI
	MOVQ d2+8(FP), SI
	MOVQ src+16(FP), BX
	MOVQ n+24(FP), CX

boxint:
	CMPQ CX, $8
	JL   boxintdone
	VMOVDQU (BX), Y0
	VPMULLD Y0, Y0, Y5
	VMOVDQU 4(BX), Y1
	VPADDD  Y1, Y0, Y0
	VPMULLD Y1, Y1, Y1
	VPADDD  Y1, Y5, Y5
	VMOVDQU 8(BX), Y1
	VPADDD  Y1, Y0, Y0
	VPMULLD Y1, Y1, Y1
	VPADDD  Y1, Y5, Y5
	VMOVDQU 12(BX), Y1
	VPADDD  Y1, Y0, Y0
	VPMULLD Y1, Y1, Y1
	VPADDD  Y1, Y5, Y5
	VMOVDQU 16(BX), Y1
	VPADDD  Y1, Y0, Y0
	VPMULLD Y1, Y1, Y1
	VPADDD  Y1, Y5, Y5
	VMOVDQU Y0, (DI)
	VMOVDQU Y5, (SI)
	ADDQ $32, BX
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  boxint

boxintdone:
	VZEROUPPER
	RET

// func boxFloatAVX2(d1, d2, a, b *float32, n int)
//
// boxRowFloat's whole windows eight outputs a step, each window summed left
// to right: d1[x] = (((a[x] + a[x+1]) + a[x+2]) + a[x+3]) + a[x+4], d2 the
// same of b (a and b point 2 before the first output's centre).
TEXT ·boxFloatAVX2(SB), NOSPLIT, $0-40
	MOVQ d1+0(FP), DI
	MOVQ d2+8(FP), SI
	MOVQ a+16(FP), BX
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX

boxfloat:
	CMPQ CX, $8
	JL   boxfloatdone
	VMOVUPS (BX), Y0
	VADDPS  4(BX), Y0, Y0
	VADDPS  8(BX), Y0, Y0
	VADDPS  12(BX), Y0, Y0
	VADDPS  16(BX), Y0, Y0
	VMOVUPS (DX), Y1
	VADDPS  4(DX), Y1, Y1
	VADDPS  8(DX), Y1, Y1
	VADDPS  12(DX), Y1, Y1
	VADDPS  16(DX), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, (SI)
	ADDQ $32, BX
	ADDQ $32, DX
	ADDQ $32, DI
	ADDQ $32, SI
	SUBQ $8, CX
	JMP  boxfloat

boxfloatdone:
	VZEROUPPER
	RET
