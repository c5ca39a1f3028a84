package encode

// H.264 NAL unit types the encoder and muxers look for.
const (
	nalIDR = 5
	nalSPS = 7
	nalPPS = 8
)

// SplitAnnexB returns the NAL units of an Annex B access unit, without start
// codes. The slices alias data.
func SplitAnnexB(data []byte) [][]byte {
	var nals [][]byte
	start := -1
	for i := 0; i+2 < len(data); {
		if data[i] == 0 && data[i+1] == 0 && data[i+2] == 1 {
			if start >= 0 {
				nals = append(nals, trimZeros(data[start:i]))
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(data) {
		nals = append(nals, data[start:])
	}
	return nals
}

// trimZeros drops the zero bytes that belong to a following 4-byte start code.
func trimZeros(nal []byte) []byte {
	for len(nal) > 0 && nal[len(nal)-1] == 0 {
		nal = nal[:len(nal)-1]
	}
	return nal
}

// firstNAL returns the first NAL unit of type typ in an Annex B access unit.
func firstNAL(data []byte, typ byte) []byte {
	for _, n := range SplitAnnexB(data) {
		if len(n) > 0 && n[0]&0x1f == typ {
			return n
		}
	}
	return nil
}

// ParameterSets returns the SPS and PPS an Annex B access unit carries (x264
// repeats them before every IDR), or nils.
func ParameterSets(data []byte) (sps, pps []byte) {
	return firstNAL(data, nalSPS), firstNAL(data, nalPPS)
}
