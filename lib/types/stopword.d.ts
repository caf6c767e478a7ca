/** Type declaration for the part of `stopword` Benchlab uses: the English stopword list. */
declare module 'stopword' {
  export const eng: string[];
}
