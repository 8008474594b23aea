package infra

import (
	"fmt"
	"sort"
	"strings"
)

// fargateMemory lists, per Fargate CPU size, the memory sizes (MiB) AWS accepts:
// from min to max in step increments.
var fargateMemory = map[int]struct{ min, max, step int }{
	256:   {512, 2048, 512}, // but not 1536: see fargateMemoryValid
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// fargateCPUs returns the valid CPU sizes in order, for messages.
func fargateCPUs() []int {
	cpus := make([]int, 0, len(fargateMemory))
	for c := range fargateMemory {
		cpus = append(cpus, c)
	}
	sort.Ints(cpus)
	return cpus
}

// fargateMemoryValid reports whether cpu/memory is a pair Fargate runs, and if
// not, describes the memory sizes that cpu accepts.
func fargateMemoryValid(cpu, memory int) (bool, string) {
	r, ok := fargateMemory[cpu]
	if !ok {
		return false, ""
	}
	if cpu == 256 {
		// The smallest size is the one irregular row: 512, 1024 or 2048.
		if memory == 512 || memory == 1024 || memory == 2048 {
			return true, ""
		}
		return false, "512, 1024 or 2048 MiB for cpu 256"
	}
	if memory >= r.min && memory <= r.max && (memory-r.min)%r.step == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("%d-%d MiB in steps of %d for cpu %d", r.min, r.max, r.step, cpu)
}

func intList(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
