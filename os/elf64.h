/* The parts of ELF-64 that a module loader reads (System V ABI, "Object Files"; the x86-64
 * psABI §4 for the relocation types). Our own names: newlib has no <elf.h>, and the host unit
 * tests must not clash with the host's. */
#ifndef OS_ELF64_H
#define OS_ELF64_H
#include <stdint.h>

#define ELF_MAGIC "\177ELF"
#define ELF_CLASS64 2                   /* e_ident[4] */
#define ELF_DATA_LSB 1                  /* e_ident[5] */
#define ELF_TYPE_DYN 3                  /* a shared object: what `ld -shared` writes */
#define ELF_MACHINE_X86_64 62

struct elf64_ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_TLS 7
#define PT_GNU_RELRO 0x6474e552
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define SHT_SYMTAB 2

struct elf64_shdr {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
};

#define DT_NULL 0
#define DT_NEEDED 1
#define DT_PLTRELSZ 2
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_RELA 7
#define DT_RELASZ 8
#define DT_RELAENT 9
#define DT_STRSZ 10
#define DT_SYMENT 11
#define DT_INIT 12
#define DT_FINI 13
#define DT_REL 17
#define DT_PLTREL 20
#define DT_JMPREL 23
#define DT_INIT_ARRAY 25
#define DT_FINI_ARRAY 26
#define DT_INIT_ARRAYSZ 27
#define DT_FINI_ARRAYSZ 28

struct elf64_dyn {
    int64_t tag;
    uint64_t val;
};

#define STB_WEAK 2
#define STT_FUNC 2
#define STT_TLS 6
#define SHN_UNDEF 0
#define SHN_ABS 0xfff1

struct elf64_sym {
    uint32_t name;
    unsigned char info, other;
    uint16_t shndx;
    uint64_t value, size;
};

#define R_X86_64_NONE 0
#define R_X86_64_64 1
#define R_X86_64_GLOB_DAT 6
#define R_X86_64_JUMP_SLOT 7
#define R_X86_64_RELATIVE 8

struct elf64_rela {
    uint64_t offset, info;
    int64_t addend;
};

struct elf64_nhdr {
    uint32_t namesz, descsz, type;
};
#endif
